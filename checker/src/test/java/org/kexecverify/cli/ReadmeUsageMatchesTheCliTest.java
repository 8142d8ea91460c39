package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README's Usage block cannot drift from the CLI: every './kexec-verify CMD ...' line names a command the parser
 * knows and only options that command has, and every command the parser knows (but help) appears in the block.
 */
class ReadmeUsageMatchesTheCliTest {
    static List<String> usageLines() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        int at = readme.indexOf("\n## Usage\n");
        assertTrue(at >= 0, "README has a '## Usage' section");
        String block = readme.substring(readme.indexOf("```sh\n", at) + 6);
        block = block.substring(0, block.indexOf("```"));
        List<String> out = new ArrayList<>();
        for (String l : block.split("\n")) {
            String cmd = l.replaceAll("\\s+#.*$", "").strip();
            int i = cmd.indexOf("./kexec-verify ");
            if (i >= 0) out.add(cmd.substring(i + "./kexec-verify ".length()).replace(")", ""));
        }
        return out;
    }

    @Test
    void everyUsageLineIsACommandWithItsOwnOptions() throws Exception {
        CommandLine root = new CommandLine(new Main());
        Set<String> seen = new TreeSet<>();
        for (String line : usageLines()) {
            String[] w = line.split("\\s+");
            CommandLine c = root.getSubcommands().get(w[0]);
            assertTrue(c != null, "README usage: '" + w[0] + "' is not a command: " + line);
            seen.add(w[0]);
            for (String t : w) {
                if (!t.startsWith("--")) continue;
                String name = t.contains("=") ? t.substring(0, t.indexOf('=')) : t;
                assertTrue(c.getCommandSpec().findOption(name) != null, "README usage: " + w[0] + " has no option " + name + ": " + line);
            }
        }
        for (String cmd : root.getSubcommands().keySet()) {
            if (!cmd.equals("help")) assertTrue(seen.contains(cmd), "README usage shows no './kexec-verify " + cmd + "' line (seen: " + seen + ")");
        }
    }
}
