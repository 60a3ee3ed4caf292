package dev.cairn.rest;

import dev.cairn.api.Jurisdiction;
import dev.cairn.api.Namespaces;
import dev.cairn.rest.api.ObjectsApi;
import dev.cairn.rest.model.NewIdRequest;
import dev.cairn.rest.model.ObjectIdResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Operations on any namespace. */
final class ObjectsResource implements ObjectsApi {
    private final Namespaces namespaces;

    ObjectsResource(Namespaces namespaces) {
        this.namespaces = namespaces;
    }

    @Override
    public CompletionStage<ObjectIdResponse> newUniqueId(String namespace, NewIdRequest request) {
        var ns = namespaces.get(namespace);
        var id = request == null || request.getJurisdiction() == null
                ? ns.newUniqueId()
                : ns.newUniqueId(Jurisdiction.fromCode(request.getJurisdiction().toString()));
        return CompletableFuture.completedFuture(new ObjectIdResponse().id(id.toString()));
    }
}
