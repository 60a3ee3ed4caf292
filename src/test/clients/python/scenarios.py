"""ClientsTest's scenarios, run with the python client generated from the served contract (package
cairn_client on PYTHONPATH): python3 scenarios.py <base URL> <run id>. Prints one JSON object of
results, which ClientsTest asserts; a failure ends the process with an error."""
import json
import sys

from cairn_client import ApiClient, Configuration, CounterApi, ObjectsApi, SeatBookingApi
from cairn_client import BookingRequest, IncrementRequest
from cairn_client.exceptions import ApiException


def failure(call):
    """Contract-specific: the error body's schema. The generated client parses the body into the
    model the contract declares for the status (e.data); it is printed through that model."""
    try:
        call()
    except ApiException as e:
        if e.data is None:
            raise AssertionError(f"the {e.status} answer's body was not parsed: {e.body}") from e
        return {"status": e.status, "body": e.data.to_dict()}
    raise AssertionError("expected an error answer, got a success")


def bad_request(counters, name):
    """Contract-specific: a request the service refuses with 400: an amount outside the contract's
    maximum (model_construct skips the client's own check, so the service is the one refusing)."""
    counters.increment_by_name(name, IncrementRequest.model_construct(by=1000001))


def main(base_url, run):
    with ApiClient(Configuration(host=base_url)) as client:
        counters, objects, booking = CounterApi(client), ObjectsApi(client), SeatBookingApi(client)

        name = f"py-{run}"
        by_name = [
            counters.increment_by_name(name).value,
            counters.increment_by_name(name, IncrementRequest(by=2)).value,
        ]

        id = objects.new_unique_id("counter").id
        by_id = {
            "id": id,
            "incremented": counters.increment_by_id(id, IncrementRequest(by=5)).value,
            "read": counters.value_by_id(id).value,
        }

        event = f"py-{run}"
        booking.book_seat_by_name(event, "A1", BookingRequest(user="ada"))
        conflict = failure(lambda: booking.book_seat_by_name(event, "A1", BookingRequest(user="bob")))

        print(json.dumps({"byName": by_name, "byId": by_id, "event": event, "conflict": conflict,
                          "badRequest": failure(lambda: bad_request(counters, name))}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
