package dev.cairn.api;

/** The namespaces declared in the configuration ({@code cairn.namespaces.<name>.class}). */
public interface Namespaces {

    /**
     * The namespace bound to {@code kind}: each class is bound to exactly one namespace.
     *
     * @throws UnknownNamespaceException when no namespace is bound to the class
     */
    <T> Namespace<T> of(Class<T> kind);

    /**
     * The namespace called {@code name}, typed by the class it must be bound to or an interface
     * that class implements (such as the {@code <Kind>Api} generated from the contract).
     *
     * @throws UnknownNamespaceException when there is no such namespace or its class is not a {@code kind}
     */
    <T> Namespace<T> get(String name, Class<T> kind);

    /** The namespace called {@code name}, whatever its class. */
    Namespace<?> get(String name);
}
