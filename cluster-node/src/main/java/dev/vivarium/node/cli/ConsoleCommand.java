package dev.vivarium.node.cli;

import dev.vivarium.node.client.ApiError;
import dev.vivarium.node.client.ConsoleAttachment;
import dev.vivarium.node.lab.LabConnection;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vivarium console VM}: the VM's serial console, with input, until Ctrl-]. */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"Attach to a VM's serial console: its recent output, then live output; what you type goes to the guest.",
                "Ctrl-] detaches (as in telnet). On a terminal, keys go to the guest as they are typed (Ctrl-C too).",
                "With stdin not a terminal, stdin is sent to the console and the command ends at its end (or at a 0x1d byte).",
                "The guest's bytes go to stdout; notes (connected, the VM moved, detached) to stderr.",
                "Exit status: 0 once detached, 1 when the VM is unknown or not running, or no node of the lab answers."})
public final class ConsoleCommand implements Callable<Integer> {

    @Mixin LabDirOption dir;

    @Parameters(paramLabel = "VM", description = "The VM's name (see `vivarium vm list`).")
    String vm;

    @Override
    public Integer call() throws Exception {
        ConsoleAttachment attachment;
        try {
            attachment = new ConsoleAttachment(LabConnection.open(dir.labDir()), vm, System.err);
        } catch (ApiError e) {
            System.err.println("vivarium console: " + e.getMessage());
            return 1;
        }
        Optional<RawTerminal> terminal = RawTerminal.enterIfInteractive();
        try {
            return attachment.run(System.in, System.out);
        } finally {
            terminal.ifPresent(RawTerminal::close);
        }
    }
}
