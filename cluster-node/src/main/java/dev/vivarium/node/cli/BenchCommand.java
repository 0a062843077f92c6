package dev.vivarium.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vivarium bench ...}: benchmarks of the cluster's parts (the CPU's are under {@code x86 bench}). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks of the cluster's parts; figures go with the machine and its load.",
        subcommands = {DrsBenchCommand.class, CliBenchCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }
}
