package dev.vivarium.x86.devices;

import java.util.concurrent.CopyOnWriteArrayList;

/** The subscribers of one output stream; subscribing and leaving are safe from any thread. */
public final class ByteSinks implements ByteSink {

    private final CopyOnWriteArrayList<ByteSink> sinks = new CopyOnWriteArrayList<>();

    public void subscribe(ByteSink sink) {
        sinks.add(sink);
    }

    public void unsubscribe(ByteSink sink) {
        sinks.remove(sink);
    }

    @Override
    public void write(int b) {
        for (ByteSink s : sinks) {
            s.write(b & 0xFF);
        }
    }
}
