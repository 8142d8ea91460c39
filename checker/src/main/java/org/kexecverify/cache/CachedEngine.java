package org.kexecverify.cache;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.kexecverify.engines.Engine;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;

/**
 * An engine whose verdicts come from the {@link ResultsCache} when the same build of the tool has
 * already decided the same plan with the same engine settings. {@code settings} is everything
 * besides the plan that may change a verdict (walk options, timeout, placement mode).
 */
public final class CachedEngine implements Engine {
    private final Engine engine;
    private final Object settings;
    private final ResultsCache cache;
    private final AtomicLong hits = new AtomicLong();

    public CachedEngine(Engine engine, Object settings, ResultsCache cache) {
        this.engine = engine;
        this.settings = settings;
        this.cache = cache;
    }

    @Override
    public String name() {
        return engine.name();
    }

    @Override
    public Set<Obligation> decides() {
        return engine.decides();
    }

    @Override
    public boolean concurrent() {
        return engine.concurrent();
    }

    public long hits() {
        return hits.get();
    }

    @Override
    public List<Verdict> check(RelocationPlan plan) {
        Optional<String> digest = PlanDigests.of(plan);
        Optional<String> key = digest.flatMap(d -> ResultsCache.key("engine", engine.name(), settings, d));
        if (key.isPresent()) {
            Optional<List<Verdict>> got = cache.get(key.get());
            if (got.isPresent()) {
                hits.incrementAndGet();
                return got.get();
            }
        }
        List<Verdict> vs = engine.check(plan);
        key.ifPresent(k -> cache.put(k, vs));
        return vs;
    }
}
