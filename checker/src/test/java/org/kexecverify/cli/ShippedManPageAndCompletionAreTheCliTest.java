package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/kexec-verify.1 and docs/kexec-verify-completion.bash are exactly what {@code man} and {@code completion} print
 * (regenerate with './kexec-verify man > docs/kexec-verify.1' and './kexec-verify completion > docs/kexec-verify-completion.bash'),
 * and the manual page names every command and every option of every command the parser knows.
 */
class ShippedManPageAndCompletionAreTheCliTest {
    @Test
    void shippedFilesAreTheCliOutput() throws Exception {
        CliRun man = CliRun.of("man");
        assertEquals(ExitCode.PROVED, man.code(), man::toString);
        assertEquals(Files.readString(Path.of("../docs/kexec-verify.1")), man.out(),
                "docs/kexec-verify.1 is stale: regenerate it with './kexec-verify man > docs/kexec-verify.1'");
        CliRun comp = CliRun.of("completion");
        assertEquals(ExitCode.PROVED, comp.code(), comp::toString);
        assertEquals(Files.readString(Path.of("../docs/kexec-verify-completion.bash")), comp.out(),
                "docs/kexec-verify-completion.bash is stale: regenerate it with './kexec-verify completion > docs/kexec-verify-completion.bash'");
    }

    @Test
    void theManualPageNamesEveryCommandAndOption() {
        String page = CliRun.of("man").out().replace("\\-", "-");
        CommandLine root = new CommandLine(new Main());
        for (var e : root.getSubcommands().entrySet()) {
            assertTrue(page.contains(".SS " + e.getKey() + "\n"), "no section for " + e.getKey());
            String section = page.substring(page.indexOf(".SS " + e.getKey() + "\n"));
            int end = section.indexOf("\n.SS ", 1);
            section = end < 0 ? section : section.substring(0, end);
            for (OptionSpec o : e.getValue().getCommandSpec().options()) {
                if (o.hidden()) continue;
                assertTrue(section.contains(".B " + String.join(", ", o.names())), e.getKey() + ": option " + o.longestName() + " missing from\n" + section);
            }
        }
        assertTrue(page.contains("--engine") && page.contains("--no-cache") && page.contains("--jobs"), page);
    }

    @Test
    void theCompletionScriptCompletesCommandsAndOptions() throws Exception {
        Path script = Files.createTempFile("kexec-verify-completion", ".bash");
        try {
            Files.writeString(script, CliRun.of("completion").out());
            String prog = "source " + script + " 2>/dev/null\n"
                    + "COMP_WORDS=(kexec-verify ch); COMP_CWORD=1; _complete_kexec-verify 2>/dev/null; echo \"A:${COMPREPLY[*]}\"\n"
                    + "COMP_WORDS=(kexec-verify check --no-c); COMP_CWORD=2; _complete_kexec-verify 2>/dev/null; echo \"B:${COMPREPLY[*]}\"\n";
            Process p = new ProcessBuilder("bash", "-c", prog).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.contains("A:check"), out);
            assertTrue(out.contains("B:--no-cache"), out);
        } finally {
            Files.deleteIfExists(script);
        }
    }
}
