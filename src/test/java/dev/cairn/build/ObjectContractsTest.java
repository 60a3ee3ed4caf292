package dev.cairn.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The build step that turns an object contract, each operation written once, into what serves it. */
class ObjectContractsTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    private static final String COUNTER = """
            openapi: 3.0.3
            info: {title: t, version: '1'}
            paths:
              /counter/increment:
                post:
                  x-cairn-object: {namespace: counter}
                  tags: [Counter]
                  operationId: increment
                  summary: Add to the counter.
                  requestBody:
                    content: {application/json: {schema: {$ref: '#/components/schemas/IncrementRequest'}}}
                  responses:
                    '200':
                      description: The new value.
                      content: {application/json: {schema: {$ref: '#/components/schemas/CounterValue'}}}
              /counter/history/{day}:
                get:
                  x-cairn-object: {namespace: counter, address: id}
                  tags: [Counter]
                  operationId: history
                  parameters:
                    - {name: day, in: path, required: true, schema: {type: string, pattern: '^[0-9]{8}$'}}
                    - {name: limit, in: query, schema: {type: integer, format: int32, minimum: 1, default: 10}}
                  responses:
                    '200':
                      description: Values of that day.
                      content: {application/json: {schema: {type: array, items: {$ref: '#/components/schemas/CounterValue'}}}}
            components:
              schemas:
                IncrementRequest:
                  type: object
                  additionalProperties: false
                  properties: {by: {type: integer, format: int64}}
                CounterValue:
                  type: object
                  properties: {value: {type: integer, format: int64}}
            """;

    private static Documents documents(String contract) throws Exception {
        return new Documents((ObjectNode) YAML.readTree(contract), Documents.read(Path.of("src/main/openapi/openapi.yaml")));
    }

    private static String failure(String contract) {
        return assertThrows(ContractException.class, () -> new ContractReader(documents(contract)).kinds()).getMessage();
    }

    @Test
    void eachOperationIsServedAtTheAddressesItAsksFor() throws Exception {
        Documents documents = documents(COUNTER);
        JsonNode paths = new ContractExpansion(documents).served(new ContractReader(documents).kinds()).path("paths");

        assertEquals("incrementByName", paths.path("/objects/counter/{name}/increment").path("post").path("operationId").asText());
        assertEquals("incrementById", paths.path("/ids/counter/{id}/increment").path("post").path("operationId").asText());
        assertEquals("historyById", paths.path("/ids/counter/{id}/history/{day}").path("get").path("operationId").asText());
        assertFalse(paths.has("/objects/counter/{name}/history/{day}"), "address: id serves it by id only");
        assertEquals(List.of("200", "400", "500", "503"),
                paths.path("/ids/counter/{id}/increment").path("post").path("responses").properties().stream()
                        .map(java.util.Map.Entry::getKey).toList());
    }

    @Test
    void theRuntimesSharedComponentsAreCopiedInSoTheServedFileStandsAlone() throws Exception {
        Documents documents = documents(COUNTER);
        JsonNode components = new ContractExpansion(documents).served(new ContractReader(documents).kinds()).path("components");

        assertTrue(components.path("parameters").has("Name"));
        assertTrue(components.path("parameters").has("Id"));
        assertTrue(components.path("responses").has("Overloaded"));
    }

    @Test
    void modelsThatAllowUnknownPropertiesSayWhereTheSchemaDoesNotForbidThem() throws Exception {
        Documents documents = documents(COUNTER);
        JsonNode schemas = ContractExpansion.forModels(new ContractExpansion(documents).served(new ContractReader(documents).kinds()))
                .path("components").path("schemas");

        assertFalse(schemas.path("IncrementRequest").has("x-class-extra-annotation"), "additionalProperties: false");
        assertTrue(schemas.path("CounterValue").path("x-class-extra-annotation").asText().contains("ignoreUnknown = true"));
    }

    @Test
    void theKindsInterfaceHasOneTypedMethodPerOperation() throws Exception {
        Documents documents = documents(COUNTER);
        var kind = new ContractReader(documents).kinds().getFirst();
        String api = new KindSources("p.api", "p.model", "c.yaml", new JavaTypes(documents, ContractReader.MAPPED).addressConstraints())
                .api(kind);

        assertTrue(api.contains("public interface CounterApi {"), api);
        assertTrue(api.contains("CounterValue increment(IncrementRequest body);"), api);
        assertTrue(api.contains("List<CounterValue> history(String day, Integer limit);"), api);
    }

    @Test
    void theStubPassesEachCallAsAnOperationCarryingItsRestRequest() throws Exception {
        Documents documents = documents(COUNTER);
        var kind = new ContractReader(documents).kinds().getFirst();
        String stub = new KindSources("p.api", "p.model", "c.yaml", new JavaTypes(documents, ContractReader.MAPPED).addressConstraints())
                .stub(kind);

        assertTrue(stub.contains("private static final Route<CounterValue> INCREMENT = Route.post(\"/increment\", Result.of(CounterValue.class));"), stub);
        assertTrue(stub.contains("private static final Route<List<CounterValue>> HISTORY = Route.get(\"/history/{day}\", Result.listOf(CounterValue.class))\n"
                + "            .query(\"limit\");"), stub);
        assertTrue(stub.contains("return stub.call(INCREMENT.operation((CounterApi o) -> o.increment(body), body));"), stub);
        assertTrue(stub.contains("return stub.send(HISTORY.operation((CounterApi o) -> o.history(day, limit), null, day, limit));"), stub);
    }

    @Test
    void resultShapesFollowTheJavaTypes() {
        assertEquals("Result.none()", KindSources.result(null));
        assertEquals("Result.of(Object.class)", KindSources.result("Object"));
        assertEquals("Result.mapOf(Object.class)", KindSources.result("Map<String, Object>"));
        assertEquals("Result.listOf(Result.listOf(Long.class))", KindSources.result("List<List<Long>>"));
        assertEquals("KV_INCREMENT", KindSources.constant("kvIncrement"));
    }

    @Test
    void theResourceChecksParametersAgainstTheContract() throws Exception {
        Documents documents = documents(COUNTER);
        var kind = new ContractReader(documents).kinds().getFirst();
        String endpoints = new KindSources("p.api", "p.model", "c.yaml", new JavaTypes(documents, ContractReader.MAPPED).addressConstraints())
                .endpoints(kind);

        assertTrue(endpoints.contains("@PathParam(\"day\") @Pattern(regexp = \"^[0-9]{8}$\") String day"), endpoints);
        assertTrue(endpoints.contains("@QueryParam(\"limit\") @DefaultValue(\"10\") @Min(1L) Integer limit"), endpoints);
        assertTrue(endpoints.contains("@PathParam(\"id\") @Pattern(regexp = \"^[0-9a-f]{64}$\") String id"), endpoints);
    }

    @Test
    void anOperationWithoutItsNamespaceIsRefusedSayingHowToMarkIt() {
        String message = failure(COUNTER.replace("      x-cairn-object: {namespace: counter}\n", ""));
        assertTrue(message.contains("POST /counter/increment") && message.contains("x-cairn-object: {namespace: <namespace>}"), message);
    }

    @Test
    void anOperationOutsideItsNamespacesPathIsRefused() {
        String message = failure(COUNTER.replace("/counter/increment:", "/count/increment:"));
        assertTrue(message.contains("is written under /counter"), message);
    }

    @Test
    void theAddressParametersAreTheBuildsNotTheAuthors() {
        String message = failure(COUNTER.replace("{name: day, in: path", "{name: id, in: path"));
        assertTrue(message.contains("'name' and 'id' address the object"), message);
    }

    @Test
    void anUnknownAddressIsRefusedNamingTheChoices() {
        String message = failure(COUNTER.replace("address: id", "address: host"));
        assertTrue(message.contains("address 'host' must be name, id or both"), message);
    }

    @Test
    void aReferenceDefinedNowhereIsRefused() {
        String message = failure(COUNTER.replace("$ref: '#/components/schemas/IncrementRequest'", "$ref: '#/components/schemas/Missing'"));
        assertTrue(message.contains("#/components/schemas/Missing is defined neither in this contract nor in the runtime's"), message);
    }
}
