package dev.vivarium.node.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The controlling terminal in raw input mode for {@code console}: every key goes to the guest at
 * once, unechoed, Ctrl-C and Ctrl-Z included (only the detach key is the CLI's). Output keeps the
 * terminal's processing (\n becomes \r\n), since guests write bare \n. Set and restored with
 * {@code stty} on /dev/tty; restored on {@link #close}, and by a shutdown hook if the JVM ends first.
 */
final class RawTerminal implements AutoCloseable {

    private static final File TTY = new File("/dev/tty");
    /** Not stty's `raw`, which also turns off output processing. */
    private static final List<String> RAW_INPUT = List.of("-icanon", "-echo", "-isig", "-iexten", "-ixon", "min", "1", "time", "0");

    private final String saved;
    private final Thread restoreAtExit;
    private boolean restored;

    private RawTerminal(String saved) {
        this.saved = saved;
        this.restoreAtExit = new Thread(this::restore, "restore terminal");
        Runtime.getRuntime().addShutdownHook(restoreAtExit);
    }

    /** Raw mode when stdin and stdout are a terminal; empty (nothing changed) otherwise. */
    static Optional<RawTerminal> enterIfInteractive() throws IOException, InterruptedException {
        if (System.console() == null || !TTY.canRead()) {
            return Optional.empty();
        }
        String saved = stty(List.of("-g")).strip();
        RawTerminal terminal = new RawTerminal(saved);
        try {
            stty(RAW_INPUT);
        } catch (IOException e) {
            terminal.close();
            throw e;
        }
        return Optional.of(terminal);
    }

    private static String stty(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("stty"));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectInput(TTY).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("stty " + String.join(" ", args) + " failed (exit " + p.exitValue() + ")");
        }
        return out;
    }

    private synchronized void restore() {
        if (restored) {
            return;
        }
        restored = true;
        try {
            stty(List.of(saved));
        } catch (IOException e) {
            System.err.println("vivarium console: could not restore the terminal (run `stty sane`): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreAtExit);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook restores (or has restored) it
        }
    }
}
