// Runs a Lucene query string over events with Apache Lucene, as Elasticsearch's query_string
// does over keyword fields, to compare with refract's own evaluator.
//
//   java -cp <lucene jars>:. LuceneEval events IR_FILE SEED > events.jsonl
//       writes events for the single-event rule whose printed IR (refract --emit ir) is
//       IR_FILE: every field the rule tests, each absent or holding a value that matches, a
//       case variant or a near miss (a character short, a character more), combined at random
//       from SEED.
//   java -cp <lucene jars>:. LuceneEval match QUERY_FILE EVENTS_FILE
//       prints the line number of every event (a flat JSON object of strings) the query selects.
//
// Each event is one in-memory index: every field a keyword (one untouched token), and the
// field names in `_exists_`, the field Elasticsearch answers `_exists_:name` from.
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.index.memory.MemoryIndex;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.Version;

public final class LuceneEval {
  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("events")) {
      writeEvents(read(args[1]), Long.parseLong(args[2]));
    } else if (args.length == 3 && args[0].equals("match")) {
      match(read(args[1]).trim(), Files.readAllLines(Paths.get(args[2]), StandardCharsets.UTF_8));
    } else {
      System.err.println("usage: LuceneEval events IR_FILE SEED | match QUERY_FILE EVENTS_FILE");
      System.exit(2);
    }
  }

  static String read(String file) throws Exception {
    return new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.UTF_8);
  }

  // --- events ---------------------------------------------------------------------------------

  static void writeEvents(String ir, long seed) {
    Map<String, List<String>> candidates = new LinkedHashMap<>();
    for (String line : ir.split("\n")) {
      List<String> words = words(line.trim());
      if (words.size() < 2) continue;
      String op = words.get(0);
      if (!PREDICATES.contains(op.replace("/cased", ""))) continue;
      int at = 1;
      if (words.size() > 2 && (words.get(1).equals("any") || words.get(1).equals("all"))) at = 2;
      String field = words.get(at).replace("\u0001", "");
      List<String> out = candidates.computeIfAbsent(field, k -> new ArrayList<>());
      if (op.equals("null") || op.equals("exists")) out.add("present");
      for (int i = at + 1; i < words.size(); ++i) variants(op, words.get(i), out);
    }
    Random random = new Random(seed);
    List<String> fields = new ArrayList<>(candidates.keySet());
    for (int n = 0; n < 64; ++n) {
      StringBuilder event = new StringBuilder("{");
      for (String field : fields) {
        List<String> values = candidates.get(field);
        int pick = random.nextInt(values.size() + 1);
        if (pick == values.size()) continue;  // absent
        if (event.length() > 1) event.append(',');
        event.append(json(field)).append(':').append(json(values.get(pick)));
      }
      System.out.println(event.append('}'));
    }
  }

  static final java.util.Set<String> PREDICATES = java.util.Set.of(
      "eq", "contains", "startswith", "endswith", "wildcard", "regex", "null", "exists", "cidr");

  // Values that match `value` under `op`, with case variants and near misses.
  static void variants(String op, String value, List<String> out) {
    // A bare true or false is a boolean, which a platform's boolean field holds in one spelling:
    // no case variants of it.
    if (value.equals("true") || value.equals("false")) {
      out.add(value);
      out.add(value.equals("true") ? "false" : "true");
      return;
    }
    if (value.startsWith("\u0001")) value = value.substring(1);  // a quoted string
    if (value.startsWith("/")) {  // a regex: its literal text is a likely near miss or match
      out.add(value.replaceAll("^/|/[a-z]*$", "").replaceAll("[\\\\^$()\\[\\]{}|?+*.]", ""));
      return;
    }
    String base = op.equals("wildcard") ? value.replace("*", "ab").replace("?", "z") : value;
    String hit =
        op.startsWith("contains") ? "x" + base + "y"
        : op.startsWith("startswith") ? base + "tail"
        : op.startsWith("endswith") ? "head" + base
        : base;
    out.add(hit);
    out.add(flipCase(hit));
    if (!base.isEmpty()) out.add(hit.substring(0, hit.length() - 1));
    out.add(hit + "\n");
  }

  static String flipCase(String s) {
    StringBuilder out = new StringBuilder();
    s.codePoints().forEach(c -> out.appendCodePoint(
        Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c)));
    return out.toString();
  }

  // The words of a printed IR line: bare words, "quoted strings" (with \ escapes) and /regexes/.
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == ' ') {
        ++i;
      } else if (c == '"') {
        StringBuilder s = new StringBuilder();
        for (++i; i < line.length() && line.charAt(i) != '"'; ++i) {
          char d = line.charAt(i);
          if (d == '\\' && i + 1 < line.length()) {
            char e = line.charAt(++i);
            s.append(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
          } else {
            s.append(d);
          }
        }
        ++i;
        out.add("\u0001" + s.toString());  // marks a quoted string for variants()
      } else {
        int start = i;
        while (i < line.length() && line.charAt(i) != ' ') ++i;
        out.add(line.substring(start, i));
      }
    }
    return out;
  }

  static String json(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c == '\n') out.append("\\n");
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }

  // --- matching -------------------------------------------------------------------------------

  static void match(String query, List<String> events) throws Exception {
    QueryParser parser = new QueryParser(Version.LUCENE_4_10_4, "_default", new KeywordAnalyzer());
    parser.setAllowLeadingWildcard(true);
    parser.setLowercaseExpandedTerms(false);
    Query parsed = parser.parse(query);
    KeywordAnalyzer analyzer = new KeywordAnalyzer();
    for (int n = 0; n < events.size(); ++n) {
      MemoryIndex index = new MemoryIndex();
      for (Map.Entry<String, String> field : parseFlat(events.get(n)).entrySet()) {
        index.addField(field.getKey(), field.getValue(), analyzer);
        index.addField("_exists_", field.getKey(), analyzer);
      }
      if (index.search(parsed) > 0.0f) System.out.println(n + 1);
    }
  }

  // A flat JSON object of string values, as writeEvents writes it.
  static Map<String, String> parseFlat(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> strings = new ArrayList<>();
    for (int i = 0; i < json.length(); ++i) {
      if (json.charAt(i) != '"') continue;
      StringBuilder s = new StringBuilder();
      for (++i; json.charAt(i) != '"'; ++i) {
        char c = json.charAt(i);
        if (c == '\\') {
          char e = json.charAt(++i);
          if (e == 'u') {
            s.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
            i += 4;
          } else {
            s.append(e == 'n' ? '\n' : e);
          }
        } else {
          s.append(c);
        }
      }
      strings.add(s.toString());
    }
    for (int i = 0; i + 1 < strings.size(); i += 2) out.put(strings.get(i), strings.get(i + 1));
    return out;
  }
}
