package dev.vivarium.node.fault;

import dev.vivarium.node.api.ApiException;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Fault injection as the API offers it: only a lab has it, everywhere else it is refused. */
public interface Faults {

    /** Injects the fault and completes with its record (an {@link ApiException} for a bad request). */
    CompletionStage<FaultRecord> inject(FaultRequest request);

    /** Every fault injected into the lab, oldest first; lasting ones say whether they are still active. */
    List<FaultRecord> list();

    /** A node that is not part of a lab: fault injection does not exist there. */
    Faults NOT_LAB = new Faults() {
        @Override
        public CompletionStage<FaultRecord> inject(FaultRequest request) {
            throw refused();
        }

        @Override
        public List<FaultRecord> list() {
            throw refused();
        }

        private ApiException refused() {
            return new ApiException(403, "fault injection exists only in lab mode (a node started by `vivarium lab up`, "
                    + "vivarium.lab.dir set); this node is not part of a lab");
        }
    };
}
