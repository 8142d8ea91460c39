package org.kexecverify.tla;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The TLC {@code -tool} message codes this runner reads (tlc2.output.EC). They are TLC's contract
 * with tools; only the ones that decide a result are named here.
 */
public enum TlcCode {
    GENERAL(1000, Kind.ERROR),
    SYSTEM_OUT_OF_MEMORY(1001, Kind.ERROR),
    SYSTEM_OUT_OF_MEMORY_TOO_MANY_INIT(1002, Kind.ERROR),
    SYSTEM_OUT_OF_MEMORY_LIVENESS(1003, Kind.ERROR),
    ASSUMPTION_FALSE(2104, Kind.ERROR),
    ASSUMPTION_EVALUATION_ERROR(2105, Kind.ERROR),
    STATE_NOT_COMPLETELY_SPECIFIED_INITIAL(2106, Kind.ERROR),
    INVARIANT_VIOLATED_INITIAL(2107, Kind.INVARIANT_VIOLATION),
    STATE_NOT_COMPLETELY_SPECIFIED_NEXT(2109, Kind.ERROR),
    INVARIANT_VIOLATED_BEHAVIOR(2110, Kind.INVARIANT_VIOLATION),
    INVARIANT_EVALUATION_FAILED(2111, Kind.ERROR),
    ACTION_PROPERTY_VIOLATED_BEHAVIOR(2112, Kind.INVARIANT_VIOLATION),
    ACTION_PROPERTY_EVALUATION_FAILED(2113, Kind.ERROR),
    DEADLOCK_REACHED(2114, Kind.DEADLOCK),
    TEMPORAL_PROPERTY_VIOLATED(2116, Kind.TEMPORAL_VIOLATION),
    NO_STATES_SATISFYING_INIT(2118, Kind.ERROR),
    BEHAVIOR_UP_TO_THIS_POINT(2121, Kind.TRACE_HEADER),
    BACK_TO_STATE(2122, Kind.TRACE_LOOP),
    BUG(2128, Kind.ERROR),
    VALUE_ASSERT_FAILED(2132, Kind.ERROR),
    PARSING_FAILED2(2171, Kind.ERROR),
    STARTING(2185, Kind.INFO),
    FINISHED(2186, Kind.INFO),
    INIT_GENERATED1(2190, Kind.INFO),
    SUCCESS(2193, Kind.SUCCESS),
    SEARCH_DEPTH(2194, Kind.INFO),
    STATS(2199, Kind.STATS),
    PROGRESS_STATS(2200, Kind.INFO),
    STATE_PRINT2(2217, Kind.TRACE_STATE),
    STATE_PRINT3(2218, Kind.TRACE_STUTTER),
    COUNTER_EXAMPLE(2264, Kind.TRACE_HEADER),
    PARSING_FAILED(3002, Kind.ERROR),
    CFG_GENERAL(5002, Kind.ERROR);

    /** What a message means for the run's result. */
    public enum Kind {
        INFO, STATS, SUCCESS, INVARIANT_VIOLATION, TEMPORAL_VIOLATION, DEADLOCK,
        TRACE_HEADER, TRACE_STATE, TRACE_STUTTER, TRACE_LOOP, ERROR
    }

    private static final Map<Integer, TlcCode> BY_CODE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(c -> c.code, Function.identity()));

    private final int code;
    private final Kind kind;

    TlcCode(int code, Kind kind) {
        this.code = code;
        this.kind = kind;
    }

    public int code() {
        return code;
    }

    public Kind kind() {
        return kind;
    }

    public static Optional<TlcCode> of(int code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    /**
     * How an arbitrary message is to be read: named codes by their kind; otherwise a message of
     * TLC's error classes (severity 1 error, 2 TLC bug) or in TLC's error ranges (1000-1999
     * general, 3000-3999 parser, 4000-4999 SANY, 5000-5999 config) is an error, the rest
     * informational.
     */
    public static Kind kindOf(int code, int severity) {
        TlcCode named = BY_CODE.get(code);
        if (named != null) return named.kind;
        if (severity == 1 || severity == 2) return Kind.ERROR;
        if (code >= 1000 && code < 2000) return Kind.ERROR;
        if (code >= 3000 && code < 6000) return Kind.ERROR;
        return Kind.INFO;
    }
}
