// Checks regular expressions with Apache Lucene's own classes, as Elasticsearch builds a `regexp`
// query (what an EQL `regex` / `regex~` comparison becomes): RegExp syntax flags ALL, at most
// 10000 determinized states, ASCII case folding for the case-insensitive form.
//
// Run as a single-file program (Java 11+), with a Lucene core jar on the class path:
//   java -cp /usr/share/java/lucene-core-8.7.0.jar test/support/LuceneRegexCheck.java
// Input: one regex per line, "s " (case-sensitive) or "i " (case-insensitive) then the pattern as a
// JSON string literal. Output: one line per input line, "OK" or "REJECTED <exception>: <message>".
// First line of output: "LUCENE <version>", so the caller can say which Lucene checked.

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import org.apache.lucene.util.Version;
import org.apache.lucene.util.automaton.Automaton;
import org.apache.lucene.util.automaton.ByteRunAutomaton;
import org.apache.lucene.util.automaton.Operations;
import org.apache.lucene.util.automaton.RegExp;
import org.apache.lucene.util.automaton.UTF32ToUTF8;

public class LuceneRegexCheck {
    /** Elasticsearch's default `max_determinized_states` for a regexp query. */
    static final int MAX_DETERMINIZED_STATES = 10000;

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
            if (line.length() < 3 || line.charAt(1) != ' ' || (line.charAt(0) != 's' && line.charAt(0) != 'i')) {
                return "BAD-INPUT expected 's \"...\"' or 'i \"...\"'";
            }
            String pattern = decodeJsonString(line.substring(2));
            int matchFlags = line.charAt(0) == 'i' ? RegExp.ASCII_CASE_INSENSITIVE : 0;
            // The steps of `new RegexpQuery(term, ALL, matchFlags, 10000)`, each throwing where
            // Elasticsearch's would: parse, build the automaton (Lucene 8 determinizes it here),
            // determinize, then the UTF-8 form a query runs over the index's terms. Not the
            // common-suffix step of CompiledAutomaton: in Lucene 8.8 it takes minutes on some
            // accepted patterns (LUCENE-9981, fixed in 8.9) and it rejects nothing.
            Automaton automaton = new RegExp(pattern, RegExp.ALL, matchFlags).toAutomaton(MAX_DETERMINIZED_STATES);
            automaton = Operations.determinize(automaton, MAX_DETERMINIZED_STATES);
            new ByteRunAutomaton(new UTF32ToUTF8().convert(automaton), true, MAX_DETERMINIZED_STATES);
            return "OK";
        } catch (RuntimeException | StackOverflowError e) {
            String message = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\r', ' ');
            return "REJECTED " + e.getClass().getSimpleName() + ": " + message;
        }
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
