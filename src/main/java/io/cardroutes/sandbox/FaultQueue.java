package io.cardroutes.sandbox;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;

/** The faults waiting for Create calls, or for search calls: it takes only faults of its kind of call. */
final class FaultQueue {

    private final boolean search;
    private final ConcurrentLinkedQueue<Fault> faults = new ConcurrentLinkedQueue<>();

    FaultQueue(boolean search) {
        this.search = search;
    }

    /** The fault, if it belongs to Create calls ({@code search} false) or to search calls. */
    static Fault check(Fault fault, boolean search) {
        Objects.requireNonNull(fault, "fault");
        if (search ? !fault.kind().appliesToSearch() : !fault.kind().appliesToCreate()) {
            throw new IllegalArgumentException(fault + " is not a " + (search ? "search" : "Create") + " fault");
        }
        return fault;
    }

    void add(Fault fault) {
        faults.add(check(fault, search));
    }

    void addAll(Collection<Fault> more) {
        more.forEach(this::add);
    }

    Fault poll() {
        return faults.poll();
    }

    int size() {
        return faults.size();
    }

    void clear() {
        faults.clear();
    }
}
