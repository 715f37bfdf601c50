/**
 * Typed, immutable model of an AWS X-Ray segment document.
 *
 * <p>Every record keeps the members it does not know, or whose JSON type does not match the
 * documented one, in an {@code extra} map so that a parsed document serializes back to an
 * equivalent document. Absent members are {@code null} (or empty collections).
 */
package io.raybridge.xray.model;
