package org.kexecverify.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** TLC's printed values become ITF-shaped Java values. */
class TlaValueParserTest {
    @Test
    void stateWithEveryValueKind() throws Exception {
        Map<String, Object> s = TlaValueParser.parseState(
                "/\\ pc = [at |-> \"vec\", off |-> 512, base |-> <<0, 1>>]\n"
                        + "/\\ tlb = {[regime |-> \"EL2\", range |-> 0]}\n"
                        + "/\\ mem = (2 :> \"old\" @@ 3 :> \"new\")\n"
                        + "/\\ icStale = TRUE\n/\\ written = {}\n/\\ k = -1");
        assertEquals(Map.of("at", "vec", "off", 512L, "base", List.of(0L, 1L)), s.get("pc"));
        assertEquals(Map.of("#set", List.of(Map.of("regime", "EL2", "range", 0L))), s.get("tlb"));
        assertEquals(Map.of("#map", List.of(List.of(2L, "old"), List.of(3L, "new"))), s.get("mem"));
        assertEquals(Boolean.TRUE, s.get("icStale"));
        assertEquals(Map.of("#set", List.of()), s.get("written"));
        assertEquals(-1L, s.get("k"));
        assertEquals(List.of("pc", "tlb", "mem", "icStale", "written", "k"), List.copyOf(s.keySet()));
    }

    @Test
    void singleVariableStateHasNoConjunction() throws Exception {
        assertEquals(Map.of("x", 3L), TlaValueParser.parseState("x = 3\n"));
    }

    @Test
    void garbageIsRejectedWithAnOffset() {
        TlaValueParser.BadValue e = assertThrows(TlaValueParser.BadValue.class, () -> TlaValueParser.parse("[a |-> ]"));
        assertEquals(true, e.getMessage().contains("offset"));
    }
}
