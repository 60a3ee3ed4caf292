// ClientsTest's scenarios, run with the typescript-fetch client generated from the served contract
// (compiled with it into ../generated): node dist/scenarios.js <base URL> <run id>. Prints one JSON
// object of results, which ClientsTest asserts; a failure ends the process with an error.
import {
    Configuration, ResponseError, CounterApi, ObjectsApi, SeatBookingApi,
    ProblemFromJSON, ProblemToJSON,
} from './generated';

// Node's globals, declared here so that compiling needs no @types/node.
declare const process: { argv: string[]; exitCode?: number };

const [baseUrl, run] = process.argv.slice(2);
const config = new Configuration({ basePath: baseUrl });
const counters = new CounterApi(config);
const objects = new ObjectsApi(config);
const booking = new SeatBookingApi(config);

// Contract-specific: the error body's schema. The body is parsed through the generated model (and
// written back through it, so only the fields the contract declares are printed).
async function failure(call: () => Promise<unknown>): Promise<{ status: number; body: unknown }> {
    try {
        await call();
    } catch (e) {
        if (e instanceof ResponseError) {
            return { status: e.response.status, body: ProblemToJSON(ProblemFromJSON(await e.response.json())) };
        }
        throw e;
    }
    throw new Error('expected an error answer, got a success');
}

// Contract-specific: a request the service refuses with 400: an amount outside the contract's maximum.
const badRequest = (name: string) => counters.incrementByName({ name, incrementRequest: { by: 1000001 } });

async function main() {
    const name = `ts-${run}`;
    const byName = [
        (await counters.incrementByName({ name })).value,
        (await counters.incrementByName({ name, incrementRequest: { by: 2 } })).value,
    ];

    const { id } = await objects.newUniqueId({ namespace: 'counter' });
    const byId = {
        id,
        incremented: (await counters.incrementById({ id, incrementRequest: { by: 5 } })).value,
        read: (await counters.valueById({ id })).value,
    };

    const event = `ts-${run}`;
    await booking.bookSeatByName({ name: event, seat: 'A1', bookingRequest: { user: 'ada' } });
    const conflict = await failure(() => booking.bookSeatByName({ name: event, seat: 'A1', bookingRequest: { user: 'bob' } }));

    console.log(JSON.stringify({ byName, byId, event, conflict, badRequest: await failure(() => badRequest(name)) }));
}

main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
});
