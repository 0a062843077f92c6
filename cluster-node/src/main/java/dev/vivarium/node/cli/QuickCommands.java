package dev.vivarium.node.cli;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The read-only commands a user runs again and again while watching a lab ({@code vm list},
 * {@code host list}, {@code events}, and {@code --version}), started without building picocli's model of every command:
 * that model (all subcommands, by reflection over their annotations) cost most of a second of a
 * 2 s {@code vm list}, and picocli's classes (class-file version 49) cannot go into a class-data
 * sharing archive. Only the options these commands have are read here; anything else (help, a
 * typo, a value picocli must check) goes to picocli as before, so the commands and their
 * messages stay picocli's. The commands themselves are the same objects picocli would fill.
 */
final class QuickCommands {

    private QuickCommands() {
    }

    /** Runs {@code args} if it is one of the quick forms; empty when picocli should. */
    static Optional<Integer> run(String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // Picocli's answer, read from the annotation it reads it from.
            for (String line : VivariumCommand.class.getAnnotation(picocli.CommandLine.Command.class).version()) {
                System.out.println(line);
            }
            return Optional.of(0);
        }
        if (args.length >= 2 && args[0].equals("vm") && args[1].equals("list")) {
            VmCommand.ListVms c = new VmCommand.ListVms();
            c.dir = new LabDirOption();
            return parse(args, 2, c.dir, null, flag -> c.json = true, null) ? Optional.of(c.call()) : Optional.empty();
        }
        if (args.length >= 2 && args[0].equals("host") && args[1].equals("list")) {
            HostCommand.ListHosts c = new HostCommand.ListHosts();
            c.dir = new LabDirOption();
            return parse(args, 2, c.dir, null, flag -> c.json = true, null) ? Optional.of(c.call()) : Optional.empty();
        }
        if (args.length >= 1 && args[0].equals("events")) {
            EventsCommand c = new EventsCommand();
            c.dir = new LabDirOption();
            c.limit = Integer.parseInt(EventsCommand.DEFAULT_LIMIT);
            return parse(args, 1, c.dir, limit -> c.limit = limit, flag -> {
                if (flag.equals("--json")) {
                    c.json = true;
                } else {
                    c.follow = true;
                }
            }, new String[] {"-f", "--follow"}) ? Optional.of(c.call()) : Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * Reads {@code --dir DIR}, {@code --json}, and where given {@code --limit N} and the extra
     * flags, each once; false at anything else (picocli then parses the whole line and reports it).
     */
    private static boolean parse(String[] args, int from, LabDirOption dir, IntConsumer limit, Consumer<String> flag,
                                 String[] extraFlags) {
        Set<String> seen = new HashSet<>();
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            String name = a.startsWith("--dir=") ? "--dir" : extraFlags != null && a.equals(extraFlags[0]) ? extraFlags[1] : a;
            if (!seen.add(name)) {
                return false;
            }
            if (a.equals("--json")) {
                flag.accept(a);
            } else if (extraFlags != null && (a.equals(extraFlags[0]) || a.equals(extraFlags[1]))) {
                flag.accept(a);
            } else if (a.equals("--dir") && i + 1 < args.length && !args[i + 1].startsWith("-")) {
                dir.dir = Path.of(args[++i]);
            } else if (a.startsWith("--dir=") && a.length() > 6) {
                dir.dir = Path.of(a.substring(6));
            } else if (limit != null && a.equals("--limit") && i + 1 < args.length && args[i + 1].matches("[0-9]{1,9}")) {
                limit.accept(Integer.parseInt(args[++i]));
            } else {
                return false;
            }
        }
        return true;
    }
}
