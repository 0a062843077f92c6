package dev.vivarium.node.lab;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The lab's gateway process (outside the lab's network namespace): each argument
 * {@code PORT=SOCKET} makes 127.0.0.1:PORT lead to a node's API socket. Runs until killed.
 */
public final class LabGateway {

    private LabGateway() {
    }

    public static void main(String[] args) throws Exception {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            ApiRelay.toUnixSocket(new InetSocketAddress("127.0.0.1", Integer.parseInt(arg.substring(0, eq))), Path.of(arg.substring(eq + 1)));
        }
        System.out.println("vivarium lab gateway: relaying " + String.join(" ", args));
        Thread.currentThread().join();
    }
}
