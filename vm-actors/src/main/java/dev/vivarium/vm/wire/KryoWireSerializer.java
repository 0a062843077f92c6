package dev.vivarium.vm.wire;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.ImmutableCollectionsSerializers;
import com.esotericsoftware.kryo.util.Pool;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.JSerializer;

/**
 * The project's Kryo serializer for {@link WireMessage}s (bound in reference.conf). Kryo is not
 * thread-safe, so instances come from a pool; each is built with {@link WireRegistrations} in
 * order and refuses unregistered classes. Typed actor refs travel as their serialization
 * format through {@link ActorRefResolver}, looked up on first use: the serializer is built
 * while the actor system is still starting.
 */
public final class KryoWireSerializer extends JSerializer {
    /** Pekko's serializer ids 0-40 are its own; ours must be the same on every node. */
    public static final int IDENTIFIER = 7_408_101;
    private static final String ACTOR_REF_ADAPTER = "org.apache.pekko.actor.typed.internal.adapter.ActorRefAdapter";

    private final ExtendedActorSystem system;
    private volatile ActorRefResolver resolver;
    private final Pool<Kryo> pool = new Pool<>(true, false, 16) {
        @Override
        protected Kryo create() {
            return newKryo();
        }
    };

    public KryoWireSerializer(ExtendedActorSystem system) {
        this.system = system;
    }

    @Override
    public int identifier() {
        return IDENTIFIER;
    }

    @Override
    public boolean includeManifest() {
        return false; // Kryo writes its own class id
    }

    @Override
    public byte[] toBinary(Object message) {
        Kryo kryo = pool.obtain();
        try (Output out = new Output(256, -1)) {
            kryo.writeClassAndObject(out, message);
            return out.toBytes();
        } finally {
            pool.free(kryo);
        }
    }

    @Override
    public Object fromBinaryJava(byte[] bytes, Class<?> manifest) {
        Kryo kryo = pool.obtain();
        try (Input in = new Input(bytes)) {
            return kryo.readClassAndObject(in);
        } finally {
            pool.free(kryo);
        }
    }

    private Kryo newKryo() {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        ImmutableCollectionsSerializers.registerSerializers(kryo);
        try {
            kryo.register(Class.forName(ACTOR_REF_ADAPTER), new TypedActorRefSerializer());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("Pekko's typed ActorRef class " + ACTOR_REF_ADAPTER + " is missing", e);
        }
        WireRegistrations.CLASSES.forEach(kryo::register);
        return kryo;
    }

    private ActorRefResolver resolver() {
        ActorRefResolver r = resolver;
        if (r == null) {
            r = ActorRefResolver.get(Adapter.toTyped(system));
            resolver = r;
        }
        return r;
    }

    @SuppressWarnings("rawtypes")
    private final class TypedActorRefSerializer extends Serializer<ActorRef> {
        @Override
        public void write(Kryo kryo, Output output, ActorRef ref) {
            @SuppressWarnings("unchecked")
            String path = resolver().toSerializationFormat((ActorRef<Object>) ref);
            output.writeString(path);
        }

        @Override
        public ActorRef read(Kryo kryo, Input input, Class<? extends ActorRef> type) {
            return resolver().resolveActorRef(input.readString());
        }
    }
}
