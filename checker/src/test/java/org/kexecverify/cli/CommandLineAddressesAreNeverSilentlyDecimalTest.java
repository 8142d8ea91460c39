package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code walk} and {@code decode} read an address or value without a prefix as hex (as crash and ptdump users type
 * them) and say so; decimal needs {@code 0d}; digits outside ASCII are not numbers.
 */
class CommandLineAddressesAreNeverSilentlyDecimalTest {
    @Test
    void bareDigitsAreHexAndTheReadingIsPrinted() {
        CliRun bare = CliRun.of("walk", "../scenarios/rfc-v2-el2.yaml", "1b306a000", "--access", "fetch");
        CliRun hex = CliRun.of("walk", "../scenarios/rfc-v2-el2.yaml", "0x1b306a000", "--access", "fetch");
        assertEquals(hex.code(), bare.code(), bare.toString());
        assertEquals(hex.out(), bare.out(), bare.toString());
        assertTrue(bare.err().contains("walk: VA '1b306a000' read as hex 0x1b306a000"), bare.toString());
        CliRun dec = CliRun.of("decode", "TCR_EL2", "0d2156147984");
        CliRun dhex = CliRun.of("decode", "TCR_EL2", "0x80843510");
        assertEquals(0, dec.code(), dec.toString());
        assertEquals(dhex.out(), dec.out(), dec.toString());
    }

    @Test
    void digitsOutsideAsciiAreNotNumbers() {
        for (String v : new String[] {"0x\u0661\u0662", "\u0661\u0662\u0663", "0d\uff11\uff12"}) {
            CliRun r = CliRun.of("decode", "TCR_EL2", v);
            assertEquals(ExitCode.BAD_INPUT, r.code(), v + ": " + r);
            assertTrue(r.err().contains("is not a number"), v + ": " + r);
        }
    }
}
