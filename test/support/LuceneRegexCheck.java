// Checks regular expressions with Apache Lucene's own classes, as Elasticsearch builds a `regexp`
// query (what an EQL `regex` / `regex~` comparison becomes): RegExp syntax flags ALL, at most
// 10000 determinized states, ASCII case folding for the case-insensitive form.
//
// Run as a single-file program (Java 11+), with a Lucene core jar on the class path:
//   java -cp /usr/share/java/lucene-core-8.7.0.jar test/support/LuceneRegexCheck.java
// Input: one regex per line, "s " (case-sensitive) or "i " (case-insensitive) then the pattern as a
// JSON string literal; or "q " then a whole query_string query (the lucene target's output) as a JSON string
// literal, parsed by Lucene's classic QueryParser (which Elasticsearch's query_string extends), its regex and
// wildcard terms built as above. Queries need lucene-queryparser and lucene-analyzers-common on the class path. Output: one line per input line, "OK" or "REJECTED <exception>: <message>".
// First line of output: "LUCENE <version>", so the caller can say which Lucene checked.

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.Version;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.ByteRunAutomaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.RegExp;
import org.apache.lucene.util.automaton.UTF32ToUTF8;

public class LuceneRegexCheck {
    /** Elasticsearch's default `max_determinized_states` for a regexp query. */
    static final int MAX_DETERMINIZED_STATES = 10000;
    /** Clauses one boolean query may hold in the query check (docs/targets-lucene-esql.md: value lists that need more). */
    static final int MAX_CLAUSES = 8192;

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        out.write("LUCENE " + Version.LATEST + "\n");
        String line;
        while ((line = in.readLine()) != null) {
            out.write(check(line));
            out.write('\n');
        }
        out.flush();
    }

    static String check(String line) {
        try {
            if (line.length() < 3 || line.charAt(1) != ' ' || "siq".indexOf(line.charAt(0)) < 0) {
                return "BAD-INPUT expected 's \"...\"', 'i \"...\"' or 'q \"...\"'";
            }
            if (line.charAt(0) == 'q') {
                new CheckingQueryParser().parse(decodeJsonString(line.substring(2)));
                return "OK";
            }
            String pattern = decodeJsonString(line.substring(2));
            checkRegex(pattern, line.charAt(0) == 'i' ? RegExp.ASCII_CASE_INSENSITIVE : 0);
            return "OK";
        } catch (Exception | StackOverflowError e) {
            String message = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\r', ' ');
            return "REJECTED " + e.getClass().getSimpleName() + ": " + message;
        }
    }

    /**
     * The classic query parser as query_string configures it (leading wildcards allowed; keyword fields: the
     * whole value is one term), its regex and wildcard terms compiled with the checks Elasticsearch's would
     * fail (a placeholder query is returned: only whether the text is accepted matters).
     */
    static class CheckingQueryParser extends QueryParser {
        CheckingQueryParser() {
            super("message", new KeywordAnalyzer());
            setAllowLeadingWildcard(true);
        }

        static {
            // Elasticsearch 8 sizes its clause limit from heap and thread pool (at least 1024, usually several
            // thousand); the corpus's longest value lists go beyond Lucene's default of 1024 in one OR.
            BooleanQuery.setMaxClauseCount(MAX_CLAUSES);
        }

        @Override
        protected Query newRegexpQuery(Term t) {
            checkRegex(t.text(), 0);
            return new TermQuery(t);
        }

        @Override
        protected Query newWildcardQuery(Term t) {
            Operations.determinize(WildcardQuery.toAutomaton(t), MAX_DETERMINIZED_STATES);
            return new TermQuery(t);
        }
    }

    static void checkRegex(String pattern, int matchFlags) {
        // The steps of `new RegexpQuery(term, ALL, matchFlags, 10000)`, each throwing where
        // Elasticsearch's would: parse, build the automaton (Lucene 8 determinizes it here),
        // determinize, then the UTF-8 form a query runs over the index's terms. Not the
        // common-suffix step of CompiledAutomaton: in Lucene 8.8 it takes minutes on some
        // accepted patterns (LUCENE-9981, fixed in 8.9) and it rejects nothing.
        Automaton automaton = new RegExp(pattern, RegExp.ALL, matchFlags).toAutomaton(MAX_DETERMINIZED_STATES);
        automaton = Operations.determinize(automaton, MAX_DETERMINIZED_STATES);
        new ByteRunAutomaton(new UTF32ToUTF8().convert(automaton), true, MAX_DETERMINIZED_STATES);
    }

    /** A JSON string literal ("..." with JSON escapes) as its text. */
    static String decodeJsonString(String s) {
        if (s.length() < 2 || s.charAt(0) != '"' || s.charAt(s.length() - 1) != '"') {
            throw new IllegalArgumentException("not a JSON string literal");
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 1; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case '"': b.append('"'); break;
                case '\\': b.append('\\'); break;
                case '/': b.append('/'); break;
                case 'b': b.append('\b'); break;
                case 'f': b.append('\f'); break;
                case 'n': b.append('\n'); break;
                case 'r': b.append('\r'); break;
                case 't': b.append('\t'); break;
                case 'u':
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                    break;
                default: throw new IllegalArgumentException("bad JSON escape \\" + e);
            }
        }
        return b.toString();
    }
}
