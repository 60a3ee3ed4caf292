package dev.cairn.rest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cairn.Admin;
import dev.cairn.client.ApiClient;
import dev.cairn.client.ApiException;
import dev.cairn.client.api.AdminApi;
import dev.cairn.client.api.ObjectsApi;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The published contract is the runtime's ({@code src/main/openapi/openapi.yaml}) merged with every
 * object contract as the build expanded it (the examples'); and a client generated from the
 * runtime's contract works.
 */
@QuarkusTest
class ContractTest {
    private static final Path CONTRACTS = Path.of("src/main/openapi");
    /** Where ObjectContracts writes the object contracts it expanded (pom.xml). */
    private static final Path EXPANDED = Path.of("target/cairn-contract/META-INF/openapi");
    private static final YAMLMapper YAML = new YAMLMapper();

    @TestHTTPResource("/")
    URL base;

    private ApiClient client() {
        ApiClient c = new ApiClient();
        c.updateBaseUri(base.toString().replaceAll("/$", ""));
        return c;
    }

    @Test
    void anObjectOperationWrittenOnceIsServedByNameAndById() throws Exception {
        JsonNode served = YAML.readTree(given().get("/q/openapi?format=yaml").then().statusCode(200).extract().asString());
        JsonNode paths = served.path("paths");
        assertEquals("incrementByName", paths.path("/objects/counter/{name}/increment").path("post").path("operationId").asText());
        assertEquals("incrementById", paths.path("/ids/counter/{id}/increment").path("post").path("operationId").asText());
        assertFalse(paths.has("/counter/increment"), "the path as written is not served");
        assertFalse(paths.has("/objects/game-match/{name}"), "game-match is addressed by id only");
        assertTrue(paths.has("/ids/game-match/{id}"));
        assertFalse(served.toString().contains("x-cairn-object"), "the build's marker is not published");
        assertTrue(paths.path("/ids/counter/{id}/increment").path("post").path("responses").has("503"),
                "every object operation declares the answers the runtime can give");
    }

    @Test
    void theServedContractIsTheCommittedContracts() throws Exception {
        JsonNode served = YAML.readTree(given().get("/q/openapi?format=yaml").then().statusCode(200).extract().asString());
        assertEquals(tagsByName(committed()), tagsByName(served));
    }

    /** SmallRye lists the tags of the other files first; their order only orders Swagger UI's sections. */
    private static JsonNode tagsByName(JsonNode contract) {
        ObjectNode copy = contract.deepCopy();
        List<JsonNode> tags = new ArrayList<>();
        copy.withArrayProperty("tags").forEach(tags::add);
        tags.sort(Comparator.comparing(t -> t.path("name").asText()));
        copy.putArray("tags").addAll(tags);
        return copy;
    }

    /**
     * {@code openapi.yaml} with the paths, tags and components of the expanded object contracts added.
     * A path belongs to one file; a component two files define (the runtime's parameters, responses
     * and problem body, copied into each object contract by the build) must be the same in both.
     */
    static JsonNode committed() throws IOException {
        ObjectNode merged = (ObjectNode) YAML.readTree(CONTRACTS.resolve("openapi.yaml").toFile());
        for (Path file : otherContracts()) {
            JsonNode more = YAML.readTree(file.toFile());
            more.path("paths").properties().forEach(path -> {
                assertFalse(merged.path("paths").has(path.getKey()), file + " defines " + path.getKey() + " again");
                ((ObjectNode) merged.get("paths")).set(path.getKey(), path.getValue());
            });
            more.path("tags").forEach(((ArrayNode) merged.get("tags"))::add);
            more.path("components").properties().forEach(kind -> kind.getValue().properties().forEach(component -> {
                ObjectNode target = ((ObjectNode) merged.get("components")).withObjectProperty(kind.getKey());
                JsonNode existing = target.get(component.getKey());
                assertTrue(existing == null || existing.equals(component.getValue()),
                        file + " defines components/" + kind.getKey() + "/" + component.getKey() + " unlike openapi.yaml");
                target.set(component.getKey(), component.getValue());
            }));
        }
        return merged;
    }

    private static List<Path> otherContracts() throws IOException {
        try (Stream<Path> files = Files.list(EXPANDED)) {
            return files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("openapi.yaml")).sorted().toList();
        }
    }

    @Test
    void swaggerUiIsServed() {
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));
    }

    @Test
    void aClientGeneratedFromTheContractListsAlarmsAndReadsErrors() throws Exception {
        ApiClient admin = client().setRequestInterceptor(request -> request.header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString((Admin.USER + ":" + Admin.PASSWORD).getBytes(StandardCharsets.UTF_8))));
        assertTrue(new AdminApi(admin).listPendingAlarms(null, 1).size() <= 1);
        var refused = assertThrows(ApiException.class, () -> new AdminApi(client()).listPendingAlarms(null, 1));
        assertEquals(401, refused.getCode(), "the admin API without credentials");
        var e = assertThrows(ApiException.class, () -> new ObjectsApi(client()).newUniqueId("no-such-namespace", null));
        assertEquals(404, e.getCode());
        JsonNode error = YAML.readTree(e.getResponseBody());
        assertEquals("https://cairn.dev/problems/not-found", error.get("type").asText());
        assertEquals(404, error.get("status").asInt());
        assertEquals("/objects/no-such-namespace", error.get("instance").asText());
        assertTrue(error.get("detail").asText().contains("unknown namespace 'no-such-namespace'"), error.toString());
        assertEquals("application/problem+json", e.getResponseHeaders().firstValue("content-type").orElseThrow());
    }
}
