/**
 * X-Ray's filter-expression language for {@code xray_local}: {@link
 * io.raybridge.exporter.xraylocal.filter.FilterExpression} parses an expression (hand-written lexer
 * and recursive-descent parser) and evaluates it against the stored documents of one trace. The
 * supported keywords, operators and error messages are listed in the module's {@code FILTERS.md}.
 */
package io.raybridge.exporter.xraylocal.filter;
