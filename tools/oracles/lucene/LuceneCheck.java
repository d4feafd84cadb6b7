// Parses Lucene query strings with Apache Lucene's classic QueryParser, configured as
// Elasticsearch's query_string is for keyword fields: no analysis, leading wildcards allowed,
// wildcard terms not lower-cased. Regex terms are compiled into automata while parsing, so an
// invalid Lucene regexp fails here too.
//
//   java -cp <lucene jars>:. LuceneCheck FILE... | @LIST
//
// Each FILE holds one query; @LIST names a file that lists query files, one per line. Prints one line per query that fails and `N passed, N failed`;
// exits 1 when any query fails.
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.Version;

public final class LuceneCheck {
  public static void main(String[] args) throws Exception {
    int passed = 0;
    int failed = 0;
    List<String> files = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("@")) {
        for (String line : Files.readAllLines(Paths.get(arg.substring(1)), StandardCharsets.UTF_8)) {
          if (!line.isEmpty()) files.add(line);
        }
      } else {
        files.add(arg);
      }
    }
    for (String file : files) {
      String query = new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.UTF_8);
      if (query.endsWith("\n")) query = query.substring(0, query.length() - 1);
      QueryParser parser = new QueryParser(Version.LUCENE_4_10_4, "_default", new KeywordAnalyzer());
      parser.setAllowLeadingWildcard(true);
      parser.setLowercaseExpandedTerms(false);
      try {
        Query parsed = parser.parse(query);
        if (parsed == null) throw new IllegalStateException("empty query");
        passed++;
      } catch (Exception | Error e) {
        failed++;
        String message = String.valueOf(e.getMessage()).split("\n")[0];
        if (message.length() > 160) message = message.substring(0, 160) + "...";
        System.out.println("FAIL " + file + ": " + e.getClass().getSimpleName() + ": " + message);
      }
    }
    System.out.println(passed + " passed, " + failed + " failed");
    System.exit(failed == 0 ? 0 : 1);
  }
}
