package dev.cairn.examples;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Inventory example over real HTTP, by name and by id: reservations hold stock until they are
 * confirmed or released, refusals say why and change nothing, and input outside the contract is a
 * 400 before the object runs.
 */
@QuarkusTest
class InventoryApiTest {

    /** A warehouse's base path by name: {@code /objects/inventory/<name>}. */
    private static String byName() {
        return "/objects/inventory/wh-" + UUID.randomUUID();
    }

    /** A warehouse's base path by a freshly minted unique id: {@code /ids/inventory/<id>}. */
    private static String byId() {
        return "/ids/inventory/" + given().post("/objects/inventory").then().statusCode(200).extract().path("id");
    }

    private static ValidatableResponse post(String path, String body) {
        return given().contentType(ContentType.JSON).body(body).post(path).then();
    }

    private static ValidatableResponse post(String path) {
        return given().post(path).then();
    }

    private static void assertStock(String warehouse, String sku, int onHand, int reserved, int available) {
        given().get(warehouse + "/items/" + sku).then().statusCode(200).body("sku", equalTo(sku))
                .body("onHand", equalTo(onHand)).body("reserved", equalTo(reserved)).body("available", equalTo(available));
    }

    @Test
    void reservationsHoldStockUntilConfirmedOrReleasedByName() {
        reservationsHoldStockUntilConfirmedOrReleased(byName());
    }

    @Test
    void reservationsHoldStockUntilConfirmedOrReleasedById() {
        reservationsHoldStockUntilConfirmedOrReleased(byId());
    }

    private static void reservationsHoldStockUntilConfirmedOrReleased(String warehouse) {
        assertStock(warehouse, "SKU-1", 0, 0, 0);
        post(warehouse + "/items/SKU-1/restock", "{\"quantity\": 10}").statusCode(200).body("onHand", equalTo(10));
        post(warehouse + "/items/SKU-1/reservations", "{\"order\": \"o1\", \"quantity\": 4}").statusCode(200)
                .body("reserved", equalTo(4)).body("available", equalTo(6));
        post(warehouse + "/items/SKU-1/reservations", "{\"order\": \"o2\", \"quantity\": 3}").statusCode(200)
                .body("available", equalTo(3));

        post(warehouse + "/orders/o1/confirm").statusCode(200).body("order", equalTo("o1")).body("sku", equalTo("SKU-1"))
                .body("quantity", equalTo(4)).body("state", equalTo("confirmed"));
        assertStock(warehouse, "SKU-1", 6, 3, 3);
        post(warehouse + "/orders/o2/release").statusCode(200).body("state", equalTo("released"));
        assertStock(warehouse, "SKU-1", 6, 0, 6);
        post(warehouse + "/orders/o1/confirm").statusCode(200).body("state", equalTo("confirmed")); // twice is harmless
    }

    @Test
    void reservingMoreThanIsAvailableIsA409AndHoldsNothing() {
        String warehouse = byName();
        post(warehouse + "/items/SKU-2/restock", "{\"quantity\": 5}").statusCode(200);
        post(warehouse + "/items/SKU-2/reservations", "{\"order\": \"o1\", \"quantity\": 3}").statusCode(200);
        post(warehouse + "/items/SKU-2/reservations", "{\"order\": \"o2\", \"quantity\": 3}").statusCode(409)
                .body("type", equalTo("https://cairn.dev/problems/conflict")).body("detail", equalTo("only 2 of SKU-2 available; order o2 asks for 3"));
        assertStock(warehouse, "SKU-2", 5, 3, 2);
        post(warehouse + "/orders/o2/confirm").statusCode(404);
    }

    @Test
    void unknownOrdersAre404AndSettledOnesCannotBeSettledTheOtherWay() {
        String warehouse = byId();
        post(warehouse + "/orders/nope/confirm").statusCode(404).body("type", equalTo("https://cairn.dev/problems/not-found"))
                .body("detail", equalTo("no reservation for order nope"));
        post(warehouse + "/orders/nope/release").statusCode(404);

        post(warehouse + "/items/SKU-3/restock", "{\"quantity\": 2}").statusCode(200);
        post(warehouse + "/items/SKU-3/reservations", "{\"order\": \"shipped\", \"quantity\": 1}").statusCode(200);
        post(warehouse + "/items/SKU-3/reservations", "{\"order\": \"cancelled\", \"quantity\": 1}").statusCode(200);
        post(warehouse + "/orders/shipped/confirm").statusCode(200);
        post(warehouse + "/orders/cancelled/release").statusCode(200);

        post(warehouse + "/orders/shipped/release").statusCode(409).body("type", equalTo("https://cairn.dev/problems/conflict"))
                .body("detail", equalTo("order shipped was confirmed; its units have shipped"));
        post(warehouse + "/orders/cancelled/confirm").statusCode(409)
                .body("detail", equalTo("order cancelled was released; reserve again to confirm it"));
        assertStock(warehouse, "SKU-3", 1, 0, 1);
    }

    @Test
    void inputOutsideTheContractIsA400AndChangesNothing() {
        String warehouse = byName();
        post(warehouse + "/items/SKU-4/restock", "{\"quantity\": 5}").statusCode(200);
        post(warehouse + "/items/SKU-4/restock", "{\"quantity\": 0}").statusCode(400);
        post(warehouse + "/items/SKU-4/restock", "{\"quantity\": 1000001}").statusCode(400);
        post(warehouse + "/items/SKU-4/restock", "{}").statusCode(400);
        post(warehouse + "/items/bad sku/restock", "{\"quantity\": 1}").statusCode(400);
        post(warehouse + "/items/SKU-4/reservations", "{\"order\": \"\", \"quantity\": 1}").statusCode(400);
        post(warehouse + "/items/SKU-4/reservations", "{\"order\": \"o1\", \"quantity\": 0}").statusCode(400);
        assertStock(warehouse, "SKU-4", 5, 0, 5);
    }
}
