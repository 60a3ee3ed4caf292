package dev.cairn.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cairn.api.Refusal;
import dev.cairn.api.Stub;
import dev.cairn.examples.api.InventoryStub;
import dev.cairn.examples.model.Reservation;
import dev.cairn.examples.model.ReserveRequest;
import dev.cairn.examples.model.RestockRequest;
import dev.cairn.examples.model.Stock;
import dev.cairn.testing.CairnTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Inventory object through its typed stub with the test kit, no service started. */
class InventoryTest {
    @RegisterExtension
    static final CairnTestKit cairn = CairnTestKit.builder().namespace("inventory", Inventory.class).build();

    private static Stock stock(int onHand, int reserved, int available) {
        return new Stock().sku("SKU-1").onHand(onHand).reserved(reserved).available(available);
    }

    /** The refusal an object call ended with, whether the runtime passes it through as is or as the cause. */
    private static Refusal refusal(Executable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        return e instanceof Refusal r ? r : (Refusal) e.getCause();
    }

    @Test
    void aReservationHoldsUnitsUntilItIsConfirmedAndTheStockSurvivesHibernation() {
        Stub<Inventory> stub = cairn.get(Inventory.class, "warehouse");
        InventoryStub inventory = InventoryStub.of(stub);
        assertEquals(stock(10, 0, 10), inventory.restock("SKU-1", new RestockRequest().quantity(10)));
        assertEquals(stock(10, 4, 6), inventory.reserve("SKU-1", new ReserveRequest().order("o1").quantity(4)));

        cairn.evict(stub); // a new instance reads it all back from its database
        assertEquals(Reservation.StateEnum.CONFIRMED, inventory.confirm("o1").getState());
        assertEquals(stock(6, 0, 6), inventory.stock("SKU-1"));
    }

    @Test
    void refusalsSayWhyAndChangeNothing() {
        InventoryStub inventory = InventoryStub.of(cairn.get(Inventory.class, "refusals"));
        inventory.restock("SKU-1", new RestockRequest().quantity(2));

        Refusal tooMany = refusal(() -> inventory.reserve("SKU-1", new ReserveRequest().order("o1").quantity(3)));
        assertEquals(Refusal.Status.CONFLICT, tooMany.status());
        assertEquals("only 2 of SKU-1 available; order o1 asks for 3", tooMany.getMessage());
        assertEquals(Refusal.Status.NOT_FOUND, refusal(() -> inventory.release("o1")).status());

        inventory.reserve("SKU-1", new ReserveRequest().order("o1").quantity(2));
        inventory.release("o1");
        assertEquals(Refusal.Status.CONFLICT, refusal(() -> inventory.confirm("o1")).status());
        assertEquals(stock(2, 0, 2), inventory.stock("SKU-1"));
    }
}
