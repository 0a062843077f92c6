package dev.vivarium.x86.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** `vivarium x86 bench ...`: measurements of the emulator against native code and other emulators. */
@Command(name = "bench",
        description = "Measure the emulator's speed against native code and QEMU.",
        mixinStandardHelpOptions = true,
        subcommands = {OverheadCommand.class, LinuxBootCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }
}
