package io.raybridge.exporter.xraylocal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/** X-Ray groups: named filter expressions. Thread-safe. */
final class Groups {

  /**
   * One group.
   *
   * @param name the group name
   * @param arn its ARN
   * @param filterExpression its filter expression, possibly null
   */
  record Group(String name, String arn, String filterExpression) {}

  private final Map<String, Group> byName = new TreeMap<>();

  synchronized Group create(String name, String filterExpression) throws ApiException {
    checkName(name);
    check(filterExpression);
    if (byName.containsKey(name)) {
      throw ApiException.invalid("Group " + name + " already exists");
    }
    Group g =
        new Group(
            name,
            XRayApi.ARN_PREFIX
                + "group/"
                + name
                + "/"
                + UUID.randomUUID().toString().replace("-", ""),
            filterExpression);
    byName.put(name, g);
    return g;
  }

  synchronized Group update(String name, String arn, String filterExpression) throws ApiException {
    Group old = find(name, arn);
    if (filterExpression != null) {
      check(filterExpression);
    }
    Group g =
        new Group(
            old.name(),
            old.arn(),
            filterExpression != null ? filterExpression : old.filterExpression());
    byName.put(g.name(), g);
    return g;
  }

  synchronized Group delete(String name, String arn) throws ApiException {
    Group g = find(name, arn);
    byName.remove(g.name());
    return g;
  }

  synchronized Group find(String name, String arn) throws ApiException {
    if (name == null && arn == null) {
      throw ApiException.invalid("GroupName or GroupARN is required");
    }
    for (Group g : byName.values()) {
      if (g.name().equals(name) || g.arn().equals(arn)) {
        return g;
      }
    }
    throw ApiException.invalid("Group not found: " + (name != null ? name : arn));
  }

  synchronized List<Group> list() {
    return new ArrayList<>(byName.values());
  }

  /** The filter expression of the group named (or with ARN) {@code nameOrArn}. */
  synchronized Optional<String> filterOf(String nameOrArn) {
    for (Group g : byName.values()) {
      if (g.name().equals(nameOrArn) || g.arn().equals(nameOrArn)) {
        return Optional.of(g.filterExpression() == null ? "" : g.filterExpression());
      }
    }
    return Optional.empty();
  }

  private static void checkName(String name) throws ApiException {
    if (name == null || name.isEmpty() || name.length() > 32) {
      throw ApiException.invalid(
          "GroupName must be 1 to 32 characters long, was " + (name == null ? "absent" : name));
    }
  }

  private static void check(String filterExpression) throws ApiException {
    try {
      TraceFilter.parse(filterExpression);
    } catch (TraceFilter.SyntaxError e) {
      throw ApiException.invalid(e.getMessage());
    }
  }
}
