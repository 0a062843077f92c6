package dev.vivarium.node.experiment;

import dev.vivarium.drs.sim.Simulation;
import java.util.List;

/**
 * What an experiment runs on: a simulated cluster of modelled VMs, or a real lab of emulated
 * ones. The experiment sets it up from the scenario, plays the timeline on it and samples it.
 */
interface ClusterUnderTest extends AutoCloseable {

    /** "simulated" or "lab", for the report. */
    String mode();

    /** Creates the hosts, VMs, groups and rules, sets DRS and powers every VM on. */
    void start(Scenario scenario) throws Exception;

    /** Sets a VM's load. */
    void setDuty(String vm, int duty) throws Exception;

    /** The VMs running on {@code host} now. */
    List<String> vmsOn(String host) throws Exception;

    /** Carries out a timeline action other than a load change. */
    void apply(Scenario.Action action) throws Exception;

    /** The cluster {@code t} seconds after the start (a lab waits until then). */
    Simulation.Sample sample(double t) throws Exception;

    /** The migrations made so far (started at or after the run began), and what happened. */
    List<Simulation.Migration> migrations() throws Exception;

    List<Simulation.Event> events() throws Exception;

    @Override
    void close();
}
