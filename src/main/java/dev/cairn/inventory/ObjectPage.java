package dev.cairn.inventory;

import java.util.List;
import java.util.Optional;

/** One page of a namespace's objects, and the cursor of the next page when there is one. */
public record ObjectPage(List<StoredObject> objects, Optional<String> nextCursor) {}
