package org.kexecverify.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLC error, a parse failure, an evaluation error, a timeout or an out-of-memory must come out
 * as {@link TlcResult.Failure} (Inconclusive), never as {@link TlcResult.NoError}.
 */
class TlcFailureIsNeverNoErrorTest {

    private static TlcResult run(Path dir, String module, String tla, String cfg, Duration timeout) throws Exception {
        Files.writeString(dir.resolve(module + ".tla"), tla);
        Files.writeString(dir.resolve(module + ".cfg"), cfg);
        return TlcRunner.located().run(new TlcJob(dir, module, module + ".cfg", timeout, 256, 1, "Termination")).result();
    }

    @Test
    void parseErrorIsFailure(@TempDir Path dir) throws Exception {
        TlcResult r = run(dir, "Broken", "---- MODULE Broken ----\nVARIABLE x\nInit == x = \nNext == x' = x\n====\n",
                "INIT Init\nNEXT Next\n", Duration.ofSeconds(60));
        TlcResult.Failure f = assertInstanceOf(TlcResult.Failure.class, r, r::toString);
        assertTrue(f.reason().startsWith("TLC error"), f.reason());
    }

    @Test
    void evaluationErrorInInvariantIsFailure(@TempDir Path dir) throws Exception {
        TlcResult r = run(dir, "BadInv", "---- MODULE BadInv ----\nEXTENDS Naturals, Sequences\nVARIABLE x\n"
                        + "Init == x = 0\nNext == x < 2 /\\ x' = x + 1\nInv == <<1>>[x + 5] = 1\n====\n",
                "INIT Init\nNEXT Next\nINVARIANT Inv\n", Duration.ofSeconds(60));
        assertInstanceOf(TlcResult.Failure.class, r, r::toString);
    }

    @Test
    void timeoutIsFailure(@TempDir Path dir) throws Exception {
        TlcResult r = run(dir, "Endless", "---- MODULE Endless ----\nEXTENDS Naturals\nVARIABLE x\n"
                        + "Init == x = 0\nNext == x' = x + 1\n====\n",
                "INIT Init\nNEXT Next\n", Duration.ofSeconds(3));
        TlcResult.Failure f = assertInstanceOf(TlcResult.Failure.class, r, r::toString);
        assertTrue(f.reason().contains("timed out"), f.reason());
    }

    @Test
    void outOfMemoryTextIsFailure() {
        String out = "@!@!@STARTMSG 2193:0 @!@!@\nModel checking completed. No error has been found.\n@!@!@ENDMSG 2193 @!@!@\n"
                + "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n";
        assertInstanceOf(TlcResult.Failure.class, TlcToolOutput.parse(out).result(0, 1, "Termination"));
    }

    @Test
    void outOfMemoryMessageIsFailure() {
        String out = "@!@!@STARTMSG 1001:1 @!@!@\nJava ran out of memory.\n@!@!@ENDMSG 1001 @!@!@\n";
        TlcResult.Failure f = assertInstanceOf(TlcResult.Failure.class, TlcToolOutput.parse(out).result(75, 1, "Termination"));
        assertTrue(f.reason().contains("1001"), f.reason());
    }

    @Test
    void successWithoutStateCountsIsFailure() {
        String out = "@!@!@STARTMSG 2193:0 @!@!@\nModel checking completed. No error has been found.\n@!@!@ENDMSG 2193 @!@!@\n";
        assertInstanceOf(TlcResult.Failure.class, TlcToolOutput.parse(out).result(0, 1, "Termination"));
    }

    @Test
    void successWithNonZeroExitIsFailure() {
        String out = "@!@!@STARTMSG 2193:0 @!@!@\nModel checking completed. No error has been found.\n@!@!@ENDMSG 2193 @!@!@\n"
                + "@!@!@STARTMSG 2199:0 @!@!@\n5 states generated, 4 distinct states found, 0 states left on queue.\n@!@!@ENDMSG 2199 @!@!@\n";
        assertInstanceOf(TlcResult.Failure.class, TlcToolOutput.parse(out).result(1, 1, "Termination"));
        TlcResult.NoError ok = assertInstanceOf(TlcResult.NoError.class, TlcToolOutput.parse(out).result(0, 1, "Termination"));
        assertEquals(4, ok.stats().distinctStates());
    }

    @Test
    void noResultAtAllIsFailure() {
        assertInstanceOf(TlcResult.Failure.class, TlcToolOutput.parse("Error: Could not find or load main class tlc2.TLC\n")
                .result(1, 1, "Termination"));
    }
}
