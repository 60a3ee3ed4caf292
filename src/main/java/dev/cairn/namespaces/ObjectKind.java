package dev.cairn.namespaces;

import dev.cairn.api.ObjectContext;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * An object class and how to construct it. The constructor is looked up once at start-up; each
 * activation invokes it (classes named in the configuration are registered for reflection, see
 * {@code ObjectClassesReflection}). Immutable.
 */
public final class ObjectKind<T> {
    private final Class<T> type;
    private final Constructor<T> constructor;

    private ObjectKind(Class<T> type, Constructor<T> constructor) {
        this.type = type;
        this.constructor = constructor;
    }

    /**
     * @throws IllegalArgumentException saying what is wrong with the class, for the start-up message
     */
    static ObjectKind<?> load(String className, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("class " + className + " was not found");
        }
        return of(type);
    }

    public static <T> ObjectKind<T> of(Class<T> type) {
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers()) || type.isInterface()) {
            throw new IllegalArgumentException("class " + type.getName() + " must be public, concrete and not an interface");
        }
        try {
            return new ObjectKind<>(type, type.getConstructor(ObjectContext.class));
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("class " + type.getName()
                    + " needs a public constructor taking an ObjectContext (in a native build, also register it for reflection)");
        }
    }

    public Class<T> type() {
        return type;
    }

    /** Runs the constructor; what it throws is rethrown as is. */
    public T construct(ObjectContext context) throws Exception {
        try {
            return constructor.newInstance(context);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
