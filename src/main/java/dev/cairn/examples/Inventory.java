package dev.cairn.examples;

import dev.cairn.api.ObjectContext;
import dev.cairn.api.Refusal;
import dev.cairn.api.SqlRow;
import dev.cairn.api.SqlStorage;
import dev.cairn.examples.api.InventoryApi;
import dev.cairn.examples.model.Reservation;
import dev.cairn.examples.model.Reservation.StateEnum;
import dev.cairn.examples.model.ReserveRequest;
import dev.cairn.examples.model.RestockRequest;
import dev.cairn.examples.model.Stock;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The stock of one warehouse (namespace {@code inventory}). Units are reserved for an order, then
 * confirmed (they ship and leave the stock) or released (they can be reserved again). Calls to one
 * object never overlap, so "enough available? then hold them" cannot oversell.
 */
@RegisterForReflection(fields = false, methods = false)
public final class Inventory implements InventoryApi {
    private final SqlStorage sql;

    public Inventory(ObjectContext ctx) {
        this.sql = ctx.storage().sql();
        sql.exec("""
                CREATE TABLE IF NOT EXISTS items (sku TEXT PRIMARY KEY, on_hand INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS reservations (order_id TEXT PRIMARY KEY, sku TEXT NOT NULL,
                    quantity INTEGER NOT NULL, state TEXT NOT NULL)""");
    }

    @Override
    public Stock restock(String sku, RestockRequest body) {
        if ((long) stock(sku).getOnHand() + body.getQuantity() > Integer.MAX_VALUE) {
            throw Refusal.badRequest("restocking " + body.getQuantity() + " would take " + sku + " over " + Integer.MAX_VALUE + " units");
        }
        sql.exec("INSERT INTO items (sku, on_hand) VALUES (?, ?) ON CONFLICT (sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand",
                sku, body.getQuantity());
        return stock(sku);
    }

    /** Holds units for an order; reserving again the same units for the same order is harmless. */
    @Override
    public Stock reserve(String sku, ReserveRequest body) {
        var existing = sql.exec("SELECT * FROM reservations WHERE order_id = ?", body.getOrder()).toList();
        if (!existing.isEmpty()) {
            Reservation held = reservation(existing.getFirst());
            if (held.getSku().equals(sku) && held.getQuantity().equals(body.getQuantity()) && held.getState() == StateEnum.HELD) {
                return stock(sku);
            }
            throw Refusal.conflict("order " + body.getOrder() + " already has a reservation: " + held.getQuantity() + " of "
                    + held.getSku() + ", " + held.getState());
        }
        Stock stock = stock(sku);
        if (body.getQuantity() > stock.getAvailable()) {
            throw Refusal.conflict("only " + stock.getAvailable() + " of " + sku + " available; order " + body.getOrder()
                    + " asks for " + body.getQuantity());
        }
        sql.exec("INSERT INTO reservations (order_id, sku, quantity, state) VALUES (?, ?, ?, ?)",
                body.getOrder(), sku, body.getQuantity(), StateEnum.HELD.value());
        return stock(sku);
    }

    /** Ships the held units: they leave the stock. Confirming twice is harmless. */
    @Override
    public Reservation confirm(String order) {
        Reservation r = reservation(order);
        return switch (r.getState()) {
            case HELD -> {
                sql.exec("UPDATE items SET on_hand = on_hand - ? WHERE sku = ?", r.getQuantity(), r.getSku());
                yield settle(r, StateEnum.CONFIRMED);
            }
            case CONFIRMED -> r;
            case RELEASED -> throw Refusal.conflict("order " + order + " was released; reserve again to confirm it");
        };
    }

    /** Gives the held units back. Releasing twice is harmless. */
    @Override
    public Reservation release(String order) {
        Reservation r = reservation(order);
        return switch (r.getState()) {
            case HELD -> settle(r, StateEnum.RELEASED);
            case RELEASED -> r;
            case CONFIRMED -> throw Refusal.conflict("order " + order + " was confirmed; its units have shipped");
        };
    }

    @Override
    public Stock stock(String sku) {
        SqlRow row = sql.exec("""
                SELECT coalesce((SELECT on_hand FROM items WHERE sku = ?1), 0) AS on_hand,
                       coalesce((SELECT sum(quantity) FROM reservations WHERE sku = ?1 AND state = 'held'), 0) AS reserved""",
                sku).one();
        int onHand = row.getLong("on_hand").intValue();
        int reserved = row.getLong("reserved").intValue();
        return new Stock().sku(sku).onHand(onHand).reserved(reserved).available(onHand - reserved);
    }

    private Reservation reservation(String order) {
        return sql.exec("SELECT * FROM reservations WHERE order_id = ?", order).toList().stream().findFirst()
                .map(Inventory::reservation).orElseThrow(() -> Refusal.notFound("no reservation for order " + order));
    }

    private Reservation settle(Reservation r, StateEnum state) {
        sql.exec("UPDATE reservations SET state = ? WHERE order_id = ?", state.value(), r.getOrder());
        return r.state(state);
    }

    private static Reservation reservation(SqlRow row) {
        return new Reservation().order(row.getString("order_id")).sku(row.getString("sku"))
                .quantity(row.getLong("quantity").intValue()).state(StateEnum.fromValue(row.getString("state")));
    }
}
