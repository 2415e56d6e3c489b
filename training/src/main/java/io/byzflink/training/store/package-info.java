/**
 * Versioned persistence of global models: a DJL parameter file plus a JSON metadata file per
 * version, a {@code CURRENT} pointer for rollback, content hashes checked on every load.
 *
 * <p>{@link io.byzflink.training.store.ModelStore} does all file access through
 * {@link io.byzflink.training.store.StoreFiles}, so a store on a distributed file system (e.g.
 * Flink's {@code FileSystem}) needs only another implementation of that small interface; DJL
 * itself always reads and writes a local temporary copy.
 */
package io.byzflink.training.store;
