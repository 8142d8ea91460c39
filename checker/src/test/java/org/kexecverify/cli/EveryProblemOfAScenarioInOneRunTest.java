package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scenario with several independent mistakes gets them all in one run, on one line (file: first field: message,
 * then every other field); a section that needs a broken one is not judged (segments need ram). With several files,
 * each broken one is reported and the others are still checked: the run exits 2 and verdicts.json lists what was
 * rejected beside what was checked.
 */
class EveryProblemOfAScenarioInOneRunTest {
    @Test
    void independentMistakesComeTogether(@TempDir Path dir) throws IOException {
        String text = Files.readString(Path.of("../scenarios/upstream-el1.yaml"));
        String broken = text.replaceFirst("(?m)^name: .*$", "name: ../escape")
                .replaceFirst("(?m)^(\\s*)MAIR_EL1: .*$", "$1MAIR_EL1: 0xfoo")
                .replaceFirst("(?m)^  - \\{base: 0x40000000, size: 8G\\}$", "  - {base: 0x40000000, size: 8Q}")
                .replaceFirst("(?m)^(\\s*)control_pages: .*$", "$1control_pages: 0x1b3069000\n$1control_page: 0x1");
        assertFalse(broken.equals(text));
        Path s = dir.resolve("four-mistakes.yaml");
        Files.writeString(s, broken);
        CliRun r = CliRun.of("check", s.toString(), "--engine", "model", "--out", dir.resolve("out").toString(), "--no-cache");
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.toString());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.toString());
        String line = lines.get(0);
        assertTrue(line.contains(s + ": name: "), r.toString());
        for (String field : List.of("registers.MAIR_EL1: ", "ram[0].size: ")) assertTrue(line.contains(field), field + " missing: " + r);
        assertTrue(line.contains("2 more problem(s)"), r.toString());
        // placement and kimage.segments need the RAM ranges: with ram broken they are not judged (no follow-on noise)
        assertFalse(line.contains("placement.control_page") || line.contains("kimage.segments"), r.toString());
        assertFalse(Files.exists(dir.resolve("out")), "bad input wrote outputs");
    }

    @Test
    void aDirectoryIsCheckedPastItsBrokenFiles(@TempDir Path dir) throws IOException {
        Path in = Files.createDirectory(dir.resolve("in"));
        Files.copy(Path.of("../scenarios/upstream-el1.yaml"), in.resolve("a-good.yaml"));
        Files.writeString(in.resolve("b-broken.yaml"), "name: b\nregime: el9\n");
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("check", in.toString(), "--engine", "model", "--out", out.toString(), "--no-cache", "--quiet");
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("kexec-verify: " + in.resolve("b-broken.yaml") + ": regime: ")), r.toString());
        assertTrue(r.out().contains("1 broken file(s) not checked (" + in.resolve("b-broken.yaml") + ")"), r.toString());
        String verdicts = Files.readString(out.resolve("verdicts.json"));
        assertTrue(verdicts.contains("\"name\" : \"upstream-el1\"") && verdicts.contains("\"rejected\""), verdicts);

        Files.move(in.resolve("a-good.yaml"), in.resolve("a-broken.yaml"));
        Files.writeString(in.resolve("a-broken.yaml"), "name: a\n");
        Path out2 = dir.resolve("out2");
        CliRun all = CliRun.of("check", in.toString(), "--engine", "model", "--out", out2.toString(), "--no-cache");
        assertEquals(ExitCode.BAD_INPUT, all.code(), all.toString());
        assertEquals(3, all.err().lines().count(), "one line per broken file and the end: " + all);
        assertEquals("", all.out(), all.toString());
        assertFalse(Files.exists(out2), "nothing checked, nothing written: " + all);
    }
}
