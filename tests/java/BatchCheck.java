/*
 * EPUBCheck 5 run on one EPUB after another in one Java VM, for the tests
 * (tests/conftest.py, epubcheck()): a VM started for each EPUB spends about six
 * seconds of CPU starting and compiling EPUBCheck's schemas, one kept spends a few
 * tenths of a second an EPUB after the first.
 *
 * Each line read is an EPUB's path and the path of the JSON report to write, separated
 * by a tab; each line written is EPUBCheck's exit status for it (0: valid), or -1 where
 * it failed. What EPUBCheck prints itself is dropped: the report holds it all.
 */
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class BatchCheck {
    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintStream out = System.out;
        String line;
        while ((line = in.readLine()) != null) {
            String[] paths = line.split("\t");
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            int code;
            try {
                code = new com.adobe.epubcheck.tool.EpubChecker().run(
                    new String[] {paths[0], "-q", "--json", paths[1]});
            } catch (Throwable error) {
                code = -1;
            } finally {
                System.setOut(out);
            }
            out.println(code);
            out.flush();
        }
    }
}
