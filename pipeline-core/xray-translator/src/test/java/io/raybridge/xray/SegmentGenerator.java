package io.raybridge.xray;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Generates valid segment documents covering every member of the format, from a seed. */
final class SegmentGenerator {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final List<String> ORIGINS =
      List.of(
          "AWS::EC2::Instance",
          "AWS::ECS::Container",
          "AWS::ECS::EC2",
          "AWS::ECS::Fargate",
          "AWS::EKS::Container",
          "AWS::ElasticBeanstalk::Environment",
          "AWS::Lambda::Function",
          "AWS::AppRunner::Service",
          "AWS::Custom::Thing");
  private static final List<String> RESERVED_KEYS =
      List.of("enduser.id", "url.full", "aws.xray.inprogress", "http.request.method");

  private final Random r;
  private final Set<String> ids = new HashSet<>();
  private int annotationBudget;

  SegmentGenerator(long seed) {
    this.r = new Random(seed);
  }

  ObjectNode document() {
    annotationBudget = 50;
    ObjectNode s = F.objectNode();
    boolean independent = r.nextInt(4) == 0;
    fill(s, true, independent, 0);
    return s;
  }

  private void fill(ObjectNode s, boolean top, boolean independent, int depth) {
    s.put("name", name());
    s.put("id", id());
    if (top) {
      s.put("trace_id", "1-" + hex(8) + "-" + hex(24));
      if (independent) {
        s.put("type", "subsegment");
        s.put("parent_id", id());
      } else if (r.nextBoolean()) {
        s.put("parent_id", id());
      }
    }
    double start = 1.4e9 + r.nextInt(400_000_000) + r.nextInt(1_000_000) / 1e6;
    s.put("start_time", start);
    if (r.nextInt(6) == 0) {
      s.put("in_progress", true);
    } else {
      s.put("end_time", start + r.nextInt(5_000_000) / 1e6);
      if (r.nextInt(10) == 0) {
        s.put("in_progress", false);
      }
    }
    boolean segment = top && !independent;
    if (!segment && r.nextInt(3) > 0) {
      s.put("namespace", r.nextBoolean() ? "aws" : "remote");
    }
    maybe(s, "origin", pick(ORIGINS));
    maybe(s, "user", word());
    maybe(s, "resource_arn", "arn:aws:lambda:us-east-1:123456789012:function:" + word());
    if (r.nextInt(4) == 0) {
      ObjectNode svc = s.putObject("service");
      maybe(svc, "version", word());
      maybe(svc, "compiler", word());
      maybe(svc, "compiler_version", word());
      unknowns(svc);
    }
    if (r.nextInt(2) == 0) {
      http(s.putObject("http"));
    }
    if (r.nextInt(2) == 0) {
      aws(s.putObject("aws"), segment);
    }
    if (!segment && r.nextInt(4) == 0) {
      ObjectNode q = s.putObject("sql");
      for (String k :
          List.of(
              "url",
              "connection_string",
              "sanitized_query",
              "database_type",
              "database_version",
              "driver_version",
              "user",
              "preparation")) {
        maybe(q, k, word());
      }
      unknowns(q);
    }
    for (String flag : List.of("error", "fault", "throttle", "traced")) {
      if (r.nextInt(5) == 0) {
        s.put(flag, r.nextBoolean());
      }
    }
    if (r.nextInt(4) == 0) {
      cause(s);
    }
    if (r.nextInt(2) == 0) {
      ObjectNode ann = s.putObject("annotations");
      int n = Math.min(annotationBudget, r.nextInt(6));
      annotationBudget -= n;
      for (int i = 0; i < n; i++) {
        String key = r.nextInt(10) == 0 ? pick(RESERVED_KEYS) : annotationKey();
        switch (r.nextInt(4)) {
          case 0 -> ann.put(key, word());
          case 1 -> ann.put(key, r.nextLong());
          case 2 -> ann.put(key, r.nextDouble() * 1000 + 0.5);
          default -> ann.put(key, r.nextBoolean());
        }
      }
    }
    if (r.nextInt(2) == 0) {
      ObjectNode md = s.putObject("metadata");
      int n = r.nextInt(3);
      for (int i = 0; i < n; i++) {
        md.set(i == 0 && r.nextBoolean() ? "default" : word(), anyObject(2));
      }
    }
    if (r.nextInt(6) == 0) {
      ArrayNode links = s.putArray("links");
      int n = r.nextInt(3);
      for (int i = 0; i < n; i++) {
        ObjectNode l = links.addObject();
        l.put("trace_id", "1-" + hex(8) + "-" + hex(24));
        l.put("id", hex(16));
        if (r.nextBoolean()) {
          ObjectNode a = l.putObject("attributes");
          a.put(word(), word());
          if (r.nextBoolean()) {
            a.set(word(), anyObject(1));
          }
        }
        if (r.nextInt(4) == 0) {
          l.put("x_" + word(), r.nextInt(9));
        }
      }
    }
    if (!segment && r.nextInt(5) == 0) {
      ArrayNode p = s.putArray("precursor_ids");
      p.add(hex(16));
    }
    unknowns(s);
    if (depth < 4 && r.nextInt(depth + 2) == 0) {
      ArrayNode subs = s.putArray("subsegments");
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        fill(subs.addObject(), false, false, depth + 1);
      }
    }
  }

  private void http(ObjectNode h) {
    if (r.nextInt(5) > 0) {
      ObjectNode q = h.putObject("request");
      maybe(q, "method", pick(List.of("GET", "POST", "PUT")));
      maybe(q, "url", "https://" + word() + ".example.com/" + word());
      maybe(q, "user_agent", word());
      maybe(q, "client_ip", "10.0.0." + r.nextInt(255));
      if (r.nextInt(3) == 0) {
        q.put("x_forwarded_for", r.nextBoolean());
      }
      if (r.nextInt(4) == 0) {
        q.put("traced", r.nextBoolean());
      }
      unknowns(q);
    }
    if (r.nextInt(5) > 0) {
      ObjectNode p = h.putObject("response");
      if (r.nextBoolean()) {
        p.put("status", 100 + r.nextInt(500));
      }
      switch (r.nextInt(4)) {
        case 0 -> p.put("content_length", r.nextInt(100000));
        case 1 -> p.put("content_length", Integer.toString(r.nextInt(1000)));
        default -> {}
      }
      unknowns(p);
    }
    unknowns(h);
  }

  private void aws(ObjectNode a, boolean segment) {
    maybe(a, "account_id", "123456789012");
    if (!segment || r.nextInt(4) == 0) {
      maybe(a, "operation", pick(List.of("GetItem", "PutObject", "SendMessage", "Invoke")));
      maybe(a, "region", "us-east-1");
      maybe(a, "request_id", hex(20));
      maybe(a, "queue_url", "https://sqs/" + word());
      maybe(a, "table_name", word());
      if (r.nextInt(5) == 0) {
        a.putArray("table_names").add(word()).add(word());
      }
      if (r.nextInt(4) == 0) {
        a.put("retries", r.nextInt(4));
      }
    }
    if (r.nextInt(4) == 0) {
      ObjectNode e = a.putObject("ec2");
      maybe(e, "instance_id", "i-" + hex(8));
      maybe(e, "instance_size", "m5.large");
      maybe(e, "ami_id", "ami-" + hex(8));
      maybe(e, "availability_zone", "us-east-1a");
      unknowns(e);
    }
    if (r.nextInt(5) == 0) {
      ObjectNode e = a.putObject("ecs");
      for (String k :
          List.of(
              "container",
              "container_id",
              "container_arn",
              "task_arn",
              "task_family",
              "cluster_arn",
              "availability_zone",
              "launch_type")) {
        maybe(e, k, word());
      }
      unknowns(e);
    }
    if (r.nextInt(5) == 0) {
      ObjectNode e = a.putObject("eks");
      maybe(e, "pod", word());
      maybe(e, "cluster_name", word());
      maybe(e, "container_id", hex(12));
    }
    if (r.nextInt(5) == 0) {
      ObjectNode e = a.putObject("elastic_beanstalk");
      maybe(e, "environment_name", word());
      maybe(e, "version_label", word());
      if (r.nextBoolean()) {
        e.put("deployment_id", r.nextInt(100));
      }
    }
    if (r.nextInt(3) == 0) {
      ObjectNode e = a.putObject("xray");
      maybe(e, "sdk", "X-Ray for " + word());
      maybe(e, "sdk_version", "2." + r.nextInt(20));
      if (r.nextBoolean()) {
        e.put("auto_instrumentation", r.nextBoolean());
      }
      unknowns(e);
    }
    if (r.nextInt(4) == 0) {
      ArrayNode logs = a.putArray("cloudwatch_logs");
      int n = r.nextInt(3);
      int shape = r.nextInt(3);
      for (int i = 0; i < n; i++) {
        ObjectNode l = logs.addObject();
        if (shape != 2 || r.nextBoolean()) {
          l.put("log_group", word());
        }
        if (shape == 1 || (shape == 2 && r.nextBoolean())) {
          l.put("arn", "arn:aws:logs:us-east-1:123456789012:log-group:" + word());
        }
      }
    }
    unknowns(a);
  }

  private void cause(ObjectNode s) {
    if (r.nextInt(4) == 0) {
      s.put("cause", hex(16));
      return;
    }
    ObjectNode c = s.putObject("cause");
    maybe(c, "working_directory", "/" + word());
    if (r.nextInt(3) == 0) {
      c.putArray("paths").add("/" + word());
    }
    if (r.nextInt(6) > 0) {
      ArrayNode ex = c.putArray("exceptions");
      int n = r.nextInt(3);
      for (int i = 0; i < n; i++) {
        ObjectNode e = ex.addObject();
        e.put("id", hex(16));
        maybe(e, "message", word() + " failed: " + word());
        maybe(e, "type", "java.io." + word());
        if (r.nextInt(3) == 0) {
          e.put("remote", r.nextBoolean());
        }
        if (r.nextInt(4) == 0) {
          e.put("truncated", r.nextInt(9));
        }
        if (r.nextInt(4) == 0) {
          e.put("skipped", r.nextInt(9));
        }
        maybe(e, "cause", hex(16));
        if (r.nextBoolean()) {
          ArrayNode st = e.putArray("stack");
          int frames = r.nextInt(4);
          for (int j = 0; j < frames; j++) {
            ObjectNode f = st.addObject();
            maybe(f, "path", word() + ".java");
            if (r.nextBoolean()) {
              f.put("line", r.nextInt(900));
            }
            maybe(f, "label", "com.example." + word());
          }
        }
        unknowns(e);
      }
    }
    unknowns(c);
  }

  private void unknowns(ObjectNode o) {
    if (r.nextInt(8) == 0) {
      o.set("zz_" + word(), r.nextBoolean() ? F.textNode(word()) : anyObject(1));
    }
  }

  private JsonNode anyObject(int depth) {
    ObjectNode o = F.objectNode();
    int n = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(depth > 0 ? 7 : 5)) {
        case 0 -> o.put(word(), word());
        case 1 -> o.put(word(), r.nextInt());
        case 2 -> o.put(word(), r.nextDouble());
        case 3 -> o.put(word(), r.nextBoolean());
        case 4 -> o.putNull(word());
        case 5 -> o.set(word(), anyObject(depth - 1));
        default -> o.putArray(word()).add(word()).add(r.nextInt(5)).add(anyObject(depth - 1));
      }
    }
    return o;
  }

  private void maybe(ObjectNode o, String key, String value) {
    if (r.nextBoolean()) {
      o.put(key, value);
    }
  }

  private String name() {
    String[] parts = {"svc", "Dynamo DB", "my-api.example.com", "ünïcode", "a_b:c/d%e&f#g=h+i@j"};
    return parts[r.nextInt(parts.length)] + r.nextInt(100);
  }

  private String annotationKey() {
    String[] parts = {"user_id", "tenant", "order.total", "Flag", "x1"};
    return parts[r.nextInt(parts.length)] + r.nextInt(1000);
  }

  private String word() {
    String[] words = {"alpha", "beta", "gamma", "delta", "ε-psilon", "zeta \"q\"", "eta\nnl"};
    return words[r.nextInt(words.length)] + r.nextInt(100);
  }

  private <T> T pick(List<T> list) {
    return list.get(r.nextInt(list.size()));
  }

  private String id() {
    String id;
    do {
      id = hex(16);
    } while (!ids.add(id));
    return id;
  }

  private String hex(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(Character.forDigit(r.nextInt(16), 16));
    }
    return b.toString();
  }
}
