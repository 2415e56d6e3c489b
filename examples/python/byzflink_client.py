#!/usr/bin/python3
"""A ByzFlink federated-learning client in plain Python.

It joins a running ByzFlink experiment through Kafka only, with no Avro library and no schema
registry, to show that the wire format (examples/python/WIRE-FORMAT.md) is all a client needs:

  1. read the global model from the compacted topic ``<experiment>.model`` (MODEL chunks,
     sender -1, round = model version) until a version is complete;
  2. train the ``logreg`` model (784 -> 10 softmax regression, parameters ``fc.weight`` (10, 784)
     then ``fc.bias`` (10), the order ModelSpec.layout() gives) with numpy mini-batch SGD on this
     client's shard of Fashion-MNIST;
  3. send DELTA = global - local, cut into chunks exactly like TensorCodec.splitAll, each chunk an
     Avro single-object-encoded TensorChunk signed with HMAC-SHA256 (ChunkSigner's canonical
     encoding), to ``<experiment>.updates`` keyed by the client id;
  4. wait for the next model version and repeat, ``--rounds`` times.

Dependencies: the Python standard library, numpy and confluent_kafka (on Debian:
``apt-get install python3-numpy python3-confluent-kafka`` and run with /usr/bin/python3).
``--selftest-encode`` needs numpy only: it prints the encoding of a fixed chunk so tests can
compare it byte for byte with Java's AvroEventSchema and ChunkSigner.

The schema fingerprint: the parsing canonical form (PCF) of TensorChunk.avsc is embedded below
as ``TENSOR_CHUNK_PCF`` and its CRC-64-AVRO (Rabin) fingerprint is computed from it at start-up.
``parsing_canonical_form()`` derives the PCF from any .avsc file (``--schema FILE``), which
the tests use to check that the embedded constant still matches the schema Java is built from.
"""

import argparse
import gzip
import hashlib
import hmac
import json
import os
import struct
import sys
import time
import uuid

import numpy as np

# ------------------------------------------------------------------------------------------------
# Schema: parsing canonical form and CRC-64-AVRO fingerprint
# ------------------------------------------------------------------------------------------------

#: Parsing canonical form of io.byzflink.serde.avro.TensorChunk (schema version 1): the schema with
#: docs and defaults removed, names fully qualified, attributes in the order the Avro spec fixes.
#: Writers put the fingerprint of exactly this string in every record's header.
TENSOR_CHUNK_PCF = (
    '{"name":"io.byzflink.serde.avro.TensorChunk","type":"record","fields":['
    '{"name":"experiment","type":"string"},'
    '{"name":"round","type":"long"},'
    '{"name":"sender","type":"int"},'
    '{"name":"destination","type":"int"},'
    '{"name":"kind","type":{"name":"io.byzflink.serde.avro.TensorKind","type":"enum",'
    '"symbols":["GRADIENT","MODEL","DELTA","SCORES","PULL"]}},'
    '{"name":"layer","type":"string"},'
    '{"name":"layerIndex","type":"int"},'
    '{"name":"layerCount","type":"int"},'
    '{"name":"shape","type":{"type":"array","items":"int"}},'
    '{"name":"chunkIndex","type":"int"},'
    '{"name":"chunkCount","type":"int"},'
    '{"name":"offset","type":"int"},'
    '{"name":"layerLength","type":"int"},'
    '{"name":"values","type":"bytes"},'
    '{"name":"weight","type":"double"},'
    '{"name":"createdAtMs","type":"long"},'
    '{"name":"signature","type":["null","bytes"]}]}'
)

#: Symbols of the TensorKind enum, in schema order: the Avro enum index is the position here.
TENSOR_KINDS = ("GRADIENT", "MODEL", "DELTA", "SCORES", "PULL")

_PRIMITIVES = {"null", "boolean", "int", "long", "float", "double", "bytes", "string"}


def parsing_canonical_form(schema, namespace="", named=None):
    """The Avro 'Parsing Canonical Form' of a schema given as parsed JSON (spec section
    'Parsing Canonical Form for Schemas'): primitives as bare names, full names for named types
    (a named type already seen is written as its name), only name/type/fields/symbols/items/
    values/size kept, in that order, no whitespace. Covers every construct Avro has; used to
    check the embedded ``TENSOR_CHUNK_PCF`` against a .avsc file."""
    named = set() if named is None else named
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return json.dumps(schema)
        full = schema if "." in schema or not namespace else namespace + "." + schema
        return json.dumps(full)
    if isinstance(schema, list):
        return "[" + ",".join(parsing_canonical_form(s, namespace, named) for s in schema) + "]"
    kind = schema["type"]
    if kind in _PRIMITIVES:
        return json.dumps(kind)  # {"type": "int", "logicalType": ...} -> "int"
    if kind in ("record", "error", "enum", "fixed"):
        name = schema["name"]
        if "." in name:
            full = name
        else:
            ns = schema.get("namespace", namespace)
            full = ns + "." + name if ns else name
        if full in named:
            return json.dumps(full)
        named.add(full)
        inner_ns = full.rsplit(".", 1)[0] if "." in full else ""
        parts = ['"name":' + json.dumps(full), '"type":' + json.dumps(kind)]
        if kind in ("record", "error"):
            fields = ",".join(
                '{"name":' + json.dumps(f["name"]) + ',"type":'
                + parsing_canonical_form(f["type"], inner_ns, named) + "}"
                for f in schema["fields"])
            parts.append('"fields":[' + fields + "]")
        elif kind == "enum":
            parts.append('"symbols":[' + ",".join(json.dumps(s) for s in schema["symbols"]) + "]")
        else:
            parts.append('"size":' + str(int(schema["size"])))
        return "{" + ",".join(parts) + "}"
    if kind == "array":
        return '{"type":"array","items":' + parsing_canonical_form(schema["items"], namespace, named) + "}"
    if kind == "map":
        return '{"type":"map","values":' + parsing_canonical_form(schema["values"], namespace, named) + "}"
    # {"type": "SomeNamedType"} or {"type": ["null", ...]}: a reference or union in object form.
    return parsing_canonical_form(kind, namespace, named)


#: CRC-64-AVRO's "empty" value, also the polynomial of its Rabin fingerprint (Avro spec).
_CRC64_EMPTY = 0xC15D213AA4D7A795
_CRC64_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (_CRC64_EMPTY if _fp & 1 else 0)
    _CRC64_TABLE.append(_fp)


def crc64_avro(data: bytes) -> int:
    """The 64-bit Rabin fingerprint Avro names CRC-64-AVRO, as an unsigned int (the Avro spec's
    reference algorithm; Java's SchemaNormalization.parsingFingerprint64 gives the same value as a
    signed long)."""
    fp = _CRC64_EMPTY
    for b in data:
        fp = (fp >> 8) ^ _CRC64_TABLE[(fp ^ b) & 0xFF]
    return fp


#: Fingerprint of TensorChunk's schema, computed from the embedded canonical form at start-up.
TENSOR_CHUNK_FINGERPRINT = crc64_avro(TENSOR_CHUNK_PCF.encode("utf-8"))
#: Single-object encoding header: marker C3 01, then the fingerprint as 8 little-endian bytes.
SINGLE_OBJECT_MAGIC = b"\xc3\x01"
TENSOR_CHUNK_HEADER = SINGLE_OBJECT_MAGIC + struct.pack("<Q", TENSOR_CHUNK_FINGERPRINT)

# ------------------------------------------------------------------------------------------------
# Avro binary encoding of exactly the TensorChunk record
# ------------------------------------------------------------------------------------------------


class TensorChunk:
    """One TensorChunk event; attribute names are the schema's field names."""

    __slots__ = ("experiment", "round", "sender", "destination", "kind", "layer", "layerIndex",
                 "layerCount", "shape", "chunkIndex", "chunkCount", "offset", "layerLength",
                 "values", "weight", "createdAtMs", "signature")

    def __init__(self, **fields):
        # Schema defaults for the fields that have one.
        self.destination = -1
        self.shape = []
        self.weight = 1.0
        self.createdAtMs = 0
        self.signature = None
        for name, value in fields.items():
            setattr(self, name, value)

    def __repr__(self):
        return ("TensorChunk(%s r%d s%d %s %s[%d/%d] chunk %d/%d, %d bytes)" % (
            self.experiment, self.round, self.sender, self.kind, self.layer, self.layerIndex,
            self.layerCount, self.chunkIndex, self.chunkCount, len(self.values)))


def _write_long(out: bytearray, n: int):
    """Avro int and long: zig-zag (sign to the lowest bit), then a varint of 7-bit groups,
    least significant first, high bit set on every byte but the last."""
    z = (n << 1) ^ (n >> 63)  # Python ints are unbounded: n >> 63 is 0 or -1 for int64 values
    while z & ~0x7F:
        out.append((z & 0x7F) | 0x80)
        z >>= 7
    out.append(z)


def _write_bytes(out: bytearray, b: bytes):
    """Avro bytes: the length as a long, then the bytes."""
    _write_long(out, len(b))
    out += b


def _write_string(out: bytearray, s: str):
    """Avro string: UTF-8 bytes written as Avro bytes."""
    _write_bytes(out, s.encode("utf-8"))


def _check_int(name, v):
    if not -2**31 <= v < 2**31:
        raise ValueError("field %s = %d does not fit an Avro int" % (name, v))
    return v


def encode_body(c: TensorChunk) -> bytes:
    """The Avro binary encoding of a TensorChunk: its fields in schema order, nothing between."""
    out = bytearray()
    _write_string(out, c.experiment)                          # experiment: string
    _write_long(out, c.round)                                 # round: long
    _write_long(out, _check_int("sender", c.sender))          # sender: int
    _write_long(out, _check_int("destination", c.destination))
    _write_long(out, TENSOR_KINDS.index(c.kind))              # kind: enum = index of the symbol
    _write_string(out, c.layer)
    _write_long(out, _check_int("layerIndex", c.layerIndex))
    _write_long(out, _check_int("layerCount", c.layerCount))
    # shape: array<int> = blocks of (count, items); one block, then a 0 count ends the array.
    if c.shape:
        _write_long(out, len(c.shape))
        for d in c.shape:
            _write_long(out, _check_int("shape", d))
    _write_long(out, 0)
    _write_long(out, _check_int("chunkIndex", c.chunkIndex))
    _write_long(out, _check_int("chunkCount", c.chunkCount))
    _write_long(out, _check_int("offset", c.offset))
    _write_long(out, _check_int("layerLength", c.layerLength))
    _write_bytes(out, c.values)                               # values: bytes (float32 LE)
    out += struct.pack("<d", c.weight)                        # weight: double, 8 bytes LE
    _write_long(out, c.createdAtMs)
    # signature: union ["null", "bytes"]: the branch index as a long, then the branch's value.
    if c.signature is None:
        _write_long(out, 0)
    else:
        _write_long(out, 1)
        _write_bytes(out, c.signature)
    return bytes(out)


def encode(c: TensorChunk) -> bytes:
    """Single-object encoding: C3 01, the 8-byte little-endian schema fingerprint, the body."""
    return TENSOR_CHUNK_HEADER + encode_body(c)


class _Reader:
    def __init__(self, data: bytes, pos: int):
        self.data = data
        self.pos = pos

    def long(self) -> int:
        z = 0
        shift = 0
        while True:
            if self.pos >= len(self.data):
                raise ValueError("truncated varint")
            b = self.data[self.pos]
            self.pos += 1
            z |= (b & 0x7F) << shift
            if not b & 0x80:
                break
            shift += 7
            if shift > 63:
                raise ValueError("varint longer than 10 bytes")
        return (z >> 1) ^ -(z & 1)

    def int(self) -> int:
        return _check_int("int", self.long())

    def raw(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError("bad length %d at byte %d" % (n, self.pos))
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def bytes(self) -> bytes:
        return self.raw(self.long())

    def string(self) -> str:
        return self.bytes().decode("utf-8")


def decode(data: bytes) -> TensorChunk:
    """Decodes a single-object-encoded TensorChunk; raises ValueError on a foreign header or
    fingerprint (another schema) or a corrupt body."""
    if data[:2] != SINGLE_OBJECT_MAGIC:
        raise ValueError("not Avro single-object encoded (no C3 01 marker)")
    if data[2:10] != TENSOR_CHUNK_HEADER[2:10]:
        raise ValueError("schema fingerprint %s is not TensorChunk's %016x" % (
            data[2:10][::-1].hex(), TENSOR_CHUNK_FINGERPRINT))
    r = _Reader(data, 10)
    c = TensorChunk()
    c.experiment = r.string()
    c.round = r.long()
    c.sender = r.int()
    c.destination = r.int()
    kind = r.int()
    if not 0 <= kind < len(TENSOR_KINDS):
        raise ValueError("enum index %d out of range" % kind)
    c.kind = TENSOR_KINDS[kind]
    c.layer = r.string()
    c.layerIndex = r.int()
    c.layerCount = r.int()
    shape = []
    while True:
        count = r.long()
        if count == 0:
            break
        if count < 0:          # a block may be written as (-count, byte size, items)
            count = -count
            r.long()
        shape.extend(r.int() for _ in range(count))
    c.shape = shape
    c.chunkIndex = r.int()
    c.chunkCount = r.int()
    c.offset = r.int()
    c.layerLength = r.int()
    c.values = r.bytes()
    c.weight = struct.unpack("<d", r.raw(8))[0]
    c.createdAtMs = r.long()
    branch = r.long()
    if branch == 0:
        c.signature = None
    elif branch == 1:
        c.signature = r.bytes()
    else:
        raise ValueError("union index %d out of range" % branch)
    if r.pos != len(data):
        raise ValueError("%d trailing bytes" % (len(data) - r.pos))
    return c

# ------------------------------------------------------------------------------------------------
# Signing: HMAC-SHA256 over ChunkSigner's canonical encoding (version 1)
# ------------------------------------------------------------------------------------------------


DOMAIN_TAG = "byzflink-chunk-v1"


def _s(x: str) -> bytes:
    b = x.encode("utf-8")
    return struct.pack(">i", len(b)) + b


def canonical_bytes(c: TensorChunk) -> bytes:
    """ChunkSigner.canonicalBytes: big-endian fixed-width ints/longs, raw double bits, strings and
    bytes prefixed by their int length, the enum as its symbol name, every field but signature in
    schema order, after the domain tag."""
    return (_s(DOMAIN_TAG) + _s(c.experiment)
            + struct.pack(">qii", c.round, c.sender, c.destination)
            + _s(c.kind) + _s(c.layer)
            + struct.pack(">ii", c.layerIndex, c.layerCount)
            + struct.pack(">i%di" % len(c.shape), len(c.shape), *c.shape)
            + struct.pack(">iiii", c.chunkIndex, c.chunkCount, c.offset, c.layerLength)
            + struct.pack(">i", len(c.values)) + c.values
            + struct.pack(">dq", c.weight, c.createdAtMs))


def sign(c: TensorChunk, key: bytes) -> bytes:
    """HMAC-SHA256(key, canonical_bytes(c)): the 32-byte value of the signature field."""
    return hmac.new(key, canonical_bytes(c), hashlib.sha256).digest()


def parse_key(text: str) -> bytes:
    """A key as the server's clients.keys takes it: hex, or base64:<standard base64>."""
    text = text.strip()
    if text.lower().startswith("base64:"):
        import base64
        key = base64.b64decode(text[7:].strip(), validate=True)
    else:
        key = bytes.fromhex(text)
    if len(key) < 16:
        raise ValueError("the key has %d bytes; ByzFlink needs at least 16 (e.g. openssl rand -hex 32)"
                         % len(key))
    return key

# ------------------------------------------------------------------------------------------------
# Chunking (TensorCodec.splitAll)
# ------------------------------------------------------------------------------------------------


def split_all(layers, names, shapes, chunk_size, **header):
    """Cuts each layer (float32 array, row-major) into ceil(length / chunk_size) chunks (one
    chunk for an empty layer): chunk c holds floats [c * chunk_size, min((c+1) * chunk_size,
    length)) as little-endian float32. ``header`` gives the fields every chunk shares
    (experiment, round, sender, destination, kind, weight, createdAtMs)."""
    if chunk_size <= 0:
        raise ValueError("chunk size must be positive, got %d" % chunk_size)
    chunks = []
    for l, flat in enumerate(layers):
        flat = np.ascontiguousarray(flat, dtype="<f4").reshape(-1)
        count = max(1, -(-flat.size // chunk_size))
        for c in range(count):
            offset = c * chunk_size
            chunks.append(TensorChunk(
                layer=names[l], layerIndex=l, layerCount=len(layers), shape=list(shapes[l]),
                chunkIndex=c, chunkCount=count, offset=offset, layerLength=int(flat.size),
                values=flat[offset:offset + chunk_size].tobytes(), signature=None, **header))
    return chunks

# ------------------------------------------------------------------------------------------------
# Fashion-MNIST IDX files and sharding
# ------------------------------------------------------------------------------------------------


TRAIN_IMAGES, TRAIN_LABELS = "train-images-idx3-ubyte", "train-labels-idx1-ubyte"
TEST_IMAGES, TEST_LABELS = "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"


def _find(folder, name):
    for candidate in (name + ".gz", name):
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
            return path
    return None


def read_idx(path):
    """Reads an IDX file (unsigned bytes), gzip-compressed or not (told by the 1f 8b magic)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError("%s is not an IDX file of unsigned bytes" % path)
    dims = data[3]
    shape = struct.unpack(">%dI" % dims, data[4:4 + 4 * dims])
    array = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims)
    if array.size != int(np.prod(shape)):
        raise ValueError("%s: header says %s but holds %d bytes" % (path, shape, array.size))
    return array.reshape(shape)


def load_split(folder, images_name, labels_name):
    """Images as float32 (n, 784) scaled to [0, 1] (byte / 255, as ByzFlink's IdxImages) and
    int labels (n,)."""
    images_path, labels_path = _find(folder, images_name), _find(folder, labels_name)
    if images_path is None or labels_path is None:
        return None
    images = read_idx(images_path)
    labels = read_idx(labels_path).astype(np.int64)
    if images.shape[0] != labels.shape[0]:
        raise ValueError("%d images but %d labels in %s" % (images.shape[0], labels.shape[0], folder))
    return images.reshape(images.shape[0], -1).astype(np.float32) / np.float32(255.0), labels


def iid_shard(count, index, shards, seed):
    """The indices of shard ``index`` of ``shards``: numpy.random.default_rng(seed) permutes
    0..count-1, numpy.array_split cuts the permutation into ``shards`` contiguous parts whose sizes
    differ by at most one (the first count % shards parts get one more)."""
    permutation = np.random.default_rng(seed).permutation(count)
    return np.sort(np.array_split(permutation, shards)[index])

# ------------------------------------------------------------------------------------------------
# The logreg model: logits = x W^T + b, W (10, 784), b (10), like PyTorch's nn.Linear
# ------------------------------------------------------------------------------------------------


def softmax_cross_entropy(W, b, x, y):
    """Mean cross-entropy and the probabilities of a batch."""
    logits = x @ W.T + b
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    p = exp / exp.sum(axis=1, keepdims=True)
    loss = -np.log(np.maximum(p[np.arange(len(y)), y], 1e-12)).mean()
    return float(loss), p


def train(W, b, x, y, lr, epochs, batch_size, momentum, rng):
    """Mini-batch SGD (optionally with heavy-ball momentum) on the mean cross-entropy; returns the
    trained copies and the mean training loss over all batches."""
    W, b = W.astype(np.float32).copy(), b.astype(np.float32).copy()
    vW, vb = np.zeros_like(W), np.zeros_like(b)
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            xb, yb = x[batch], y[batch]
            loss, p = softmax_cross_entropy(W, b, xb, yb)
            losses.append(loss)
            p[np.arange(len(yb)), yb] -= 1.0            # d loss / d logits, times batch size
            gW = (p.T @ xb).astype(np.float32) / np.float32(len(yb))
            gb = p.mean(axis=0).astype(np.float32)
            vW = momentum * vW + gW
            vb = momentum * vb + gb
            W -= np.float32(lr) * vW
            b -= np.float32(lr) * vb
    return W, b, (float(np.mean(losses)) if losses else float("nan"))


def accuracy(W, b, x, y):
    return float(((x @ W.T + b).argmax(axis=1) == y).mean())

# ------------------------------------------------------------------------------------------------
# Kafka: reading model versions, sending updates
# ------------------------------------------------------------------------------------------------


class ModelReader:
    """Follows ``<experiment>.model`` from the beginning and yields complete model versions.

    Records are kept per round (= model version); a version is complete when layerCount layers
    are present and each has all of its chunkCount chunks. Only MODEL chunks count; DELTA records
    (the server's aggregates, which it also writes to this topic) and undecodable records are
    skipped."""

    def __init__(self, bootstrap, topic, experiment, timeout):
        from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
        self.topic = topic
        self.experiment = experiment
        self.consumer = Consumer({
            "bootstrap.servers": bootstrap,
            # Partitions are assigned by hand (every client reads the whole topic); the group id is
            # required by the client library but nothing is ever committed.
            "group.id": "byzflink-py-%s" % uuid.uuid4().hex,
            "enable.auto.commit": False,
            "enable.partition.eof": True,     # tells us when we have caught up with a partition
            "auto.offset.reset": "earliest",
        })
        deadline = time.time() + timeout
        while True:
            meta = self.consumer.list_topics(topic, timeout=10).topics.get(topic)
            if meta is not None and meta.error is None and meta.partitions:
                break
            if time.time() > deadline:
                raise TimeoutError("topic %s does not exist; is the experiment running?" % topic)
            time.sleep(1)
        self.partitions = sorted(meta.partitions)
        self.consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in self.partitions])
        self.at_end = set()
        self.rounds = {}      # round -> {layerIndex: {chunkIndex: TensorChunk}}
        self.skipped = 0

    def close(self):
        self.consumer.close()

    def _add(self, value):
        try:
            c = decode(value)
        except ValueError as e:
            self.skipped += 1
            print("warning: skipping an undecodable record on %s: %s" % (self.topic, e), file=sys.stderr)
            return
        if c.kind != "MODEL" or c.experiment != self.experiment:
            return
        self.rounds.setdefault(c.round, {}).setdefault(c.layerIndex, {})[c.chunkIndex] = c

    def _complete(self, version):
        layers = self.rounds.get(version, {})
        if not layers:
            return False
        any_chunk = next(iter(next(iter(layers.values())).values()))
        if len(layers) != any_chunk.layerCount or set(layers) != set(range(any_chunk.layerCount)):
            return False
        for chunks in layers.values():
            first = next(iter(chunks.values()))
            if len(chunks) != first.chunkCount:
                return False
        return True

    def _assemble(self, version):
        """The version's layers as float32 arrays (shaped), with names and shapes in layer order."""
        layers, names, shapes = [], [], []
        for l in range(len(self.rounds[version])):
            chunks = self.rounds[version][l]
            first = chunks[0]
            flat = np.empty(first.layerLength, dtype=np.float32)
            for c in chunks.values():
                part = np.frombuffer(c.values, dtype="<f4")
                flat[c.offset:c.offset + part.size] = part
            names.append(first.layer)
            shapes.append(tuple(first.shape))
            layers.append(flat.reshape(first.shape) if first.shape else flat)
        return version, layers, names, shapes

    def next_version(self, at_least, timeout):
        """Waits for the newest complete version >= at_least, read once the consumer has caught
        up with every partition (so an older version still in the log is not mistaken for the
        current one); returns (version, layers, names, shapes)."""
        from confluent_kafka import KafkaError
        deadline = time.time() + timeout
        while True:
            msg = self.consumer.poll(0.5)
            if msg is not None:
                if msg.error():
                    if msg.error().code() == KafkaError._PARTITION_EOF:
                        self.at_end.add(msg.partition())
                    else:
                        print("warning: Kafka: %s" % msg.error(), file=sys.stderr)
                else:
                    self.at_end.discard(msg.partition())
                    if msg.value() is not None:
                        self._add(msg.value())
            if len(self.at_end) == len(self.partitions):
                complete = [v for v in self.rounds if v >= at_least and self._complete(v)]
                if complete:
                    version = max(complete)
                    for old in [v for v in self.rounds if v < version]:
                        del self.rounds[old]      # older versions are of no further use
                    return self._assemble(version)
            if time.time() > deadline:
                raise TimeoutError("no complete model version >= %d on %s within %d s"
                                   % (at_least, self.topic, timeout))


class UpdateSender:
    """Produces signed DELTA chunks to ``<experiment>.updates``, keyed by the client id."""

    def __init__(self, bootstrap, topic):
        from confluent_kafka import Producer
        self.topic = topic
        self.errors = []
        self.producer = Producer({
            "bootstrap.servers": bootstrap,
            "acks": "all",
            "enable.idempotence": True,   # retries never duplicate a chunk
            "linger.ms": 0,
            # Same partition for a key as Java's default partitioner (murmur2), so every chunk of a
            # client lands where a Java producer would put it.
            "partitioner": "murmur2_random",
        })

    def _delivered(self, err, msg):
        if err is not None:
            self.errors.append(err)

    def send(self, key: bytes, values, timeout=60):
        for value in values:
            while True:
                try:
                    self.producer.produce(self.topic, key=key, value=value, on_delivery=self._delivered)
                    break
                except BufferError:       # local queue full: let deliveries drain, then retry
                    self.producer.poll(0.1)
            self.producer.poll(0)
        left = self.producer.flush(timeout)
        if left or self.errors:
            raise RuntimeError("%d chunks not delivered to %s: %s" % (left + len(self.errors), self.topic,
                                                                     self.errors[:3]))

# ------------------------------------------------------------------------------------------------
# Main loop
# ------------------------------------------------------------------------------------------------


LOGREG_SHAPES = [(10, 784), (10,)]


def run(args):
    key = parse_key(args.key)
    shard_index, shard_count = parse_shard(args.shard)
    folder = args.data or os.environ.get("BYZFLINK_DATA") or "/usr/share/datasets/fashion-mnist"
    train_split = load_split(folder, TRAIN_IMAGES, TRAIN_LABELS)
    if train_split is None:
        raise SystemExit("error: no %s[.gz] and %s[.gz] in %s; pass --data FOLDER (Debian: apt-get install "
                         "dataset-fashion-mnist)" % (TRAIN_IMAGES, TRAIN_LABELS, folder))
    test_split = load_split(folder, TEST_IMAGES, TEST_LABELS)
    x_all, y_all = train_split
    indices = iid_shard(len(y_all), shard_index, shard_count, args.seed)
    x, y = x_all[indices], y_all[indices]
    print("client %d: shard %d/%d of %s: %d training samples of %d (iid, seed %d)%s"
          % (args.client_id, shard_index, shard_count, folder, len(y), len(y_all), args.seed,
             "; %d test images" % len(test_split[1]) if test_split else ""), flush=True)
    if len(y) == 0:
        raise SystemExit("error: shard %d/%d is empty" % (shard_index, shard_count))

    topics = (args.experiment + ".model", args.experiment + ".updates")
    reader = ModelReader(args.bootstrap, topics[0], args.experiment, args.timeout)
    sender = UpdateSender(args.bootstrap, topics[1])
    try:
        wanted = 0
        for r in range(1, args.rounds + 1):
            version, layers, names, shapes = reader.next_version(wanted, args.timeout)
            if [tuple(s) for s in shapes] != LOGREG_SHAPES:
                raise SystemExit("error: model on %s has layers %s %s; this client trains logreg "
                                 "(fc.weight (10, 784), fc.bias (10)): start the experiment with "
                                 "model.name=logreg" % (topics[0], names, shapes))
            t0 = time.time()
            rng = np.random.default_rng(args.seed * 1_000_003 + args.client_id * 7919 + version)
            W, b, train_loss = train(layers[0], layers[1], x, y, args.lr, args.epochs, args.batch_size,
                                     args.momentum, rng)
            train_ms = (time.time() - t0) * 1000
            # DELTA = global - local: a pseudo-gradient the server aggregates and steps against.
            delta = [layers[0] - W, layers[1] - b]
            chunks = split_all(delta, names, shapes, args.chunk_size,
                               experiment=args.experiment, round=version, sender=args.client_id,
                               destination=-1, kind="DELTA", weight=float(len(y)),
                               createdAtMs=int(time.time() * 1000))
            for c in chunks:
                c.signature = sign(c, key)
            values = [encode(c) for c in chunks]
            t1 = time.time()
            sender.send(str(args.client_id).encode("utf-8"), values)
            send_ms = (time.time() - t1) * 1000
            acc = "  test-acc %.4f" % accuracy(W, b, *test_split) if test_split else ""
            norm = float(np.sqrt(sum(float(np.sum(np.square(d, dtype=np.float64))) for d in delta)))
            print("round %d/%d  model v%d  samples %d  train-loss %.4f%s  delta-norm %.4f  sent %d chunks"
                  " (%d bytes)  train %d ms  send %d ms"
                  % (r, args.rounds, version, len(y), train_loss, acc, norm, len(values),
                     sum(len(v) for v in values), train_ms, send_ms), flush=True)
            wanted = version + 1
    finally:
        reader.close()


def parse_shard(text):
    try:
        i, n = (int(p) for p in text.split("/"))
    except ValueError:
        raise SystemExit("error: --shard expects i/n, e.g. 0/10, got '%s'" % text)
    if n < 1 or not 0 <= i < n:
        raise SystemExit("error: --shard %s: need 0 <= i < n" % text)
    return i, n


def selftest_encode(args):
    """Prints, one ``name=value`` per line, the encoding of a fixed chunk, so a test can compare
    it byte for byte with Java (AvroEventSchema.serialize, ChunkSigner, SchemaNormalization)."""
    key = parse_key(args.key) if args.key else bytes(range(32))
    values = np.array([((i * 37) % 101 - 50) / 8.0 for i in range(300)], dtype="<f4")
    chunk = TensorChunk(experiment="selftest-\u00e9\u03c0", round=7, sender=3, destination=-1, kind="DELTA",
                        layer="fc.weight", layerIndex=0, layerCount=2, shape=[10, 784], chunkIndex=1,
                        chunkCount=27, offset=300, layerLength=7840, values=values.tobytes(),
                        weight=1234.5, createdAtMs=1_700_000_000_123, signature=None)
    unsigned = encode(chunk)
    chunk.signature = sign(chunk, key)
    signed = encode(chunk)
    back = decode(signed)
    roundtrip = all(getattr(back, f) == getattr(chunk, f) for f in TensorChunk.__slots__)
    print("pcf=" + TENSOR_CHUNK_PCF)
    if args.schema:
        with open(args.schema, encoding="utf-8") as f:
            print("pcf_file=" + parsing_canonical_form(json.load(f)))
    print("fingerprint=%016x" % TENSOR_CHUNK_FINGERPRINT)
    print("header=" + TENSOR_CHUNK_HEADER.hex())
    print("unsigned=" + unsigned.hex())
    print("canonical=" + canonical_bytes(chunk).hex())
    print("signature=" + chunk.signature.hex())
    print("signed=" + signed.hex())
    print("roundtrip=" + ("ok" if roundtrip and encode(back) == signed else "FAILED"))


def main(argv=None):
    p = argparse.ArgumentParser(description="ByzFlink federated-learning client (logreg, numpy SGD).")
    p.add_argument("--bootstrap", default="127.0.0.1:9092", help="Kafka bootstrap servers")
    p.add_argument("--experiment", default="byzflink", help="experiment name; topics are <experiment>.model/.updates")
    p.add_argument("--client-id", type=int, default=0, help="sender id (the server's registry knows it)")
    p.add_argument("--key", help="HMAC key, hex (or base64:...), at least 16 bytes")
    p.add_argument("--rounds", type=int, default=1, help="model versions to train on")
    p.add_argument("--data", help="folder with the Fashion-MNIST IDX files (.gz or not); default $BYZFLINK_DATA, "
                                  "else /usr/share/datasets/fashion-mnist")
    p.add_argument("--shard", default="0/1", help="i/n: train on iid shard i of n (default 0/1: everything)")
    p.add_argument("--seed", type=int, default=42, help="seed of the shard permutation and of batch order")
    p.add_argument("--lr", type=float, default=0.05, help="SGD learning rate")
    p.add_argument("--momentum", type=float, default=0.0, help="SGD momentum (0: plain SGD)")
    p.add_argument("--epochs", type=int, default=1, help="local epochs per round")
    p.add_argument("--batch-size", type=int, default=64, help="mini-batch size")
    p.add_argument("--chunk-size", type=int, default=65536,
                   help="floats per update chunk; must equal the server's chunk-size")
    p.add_argument("--timeout", type=float, default=600, help="seconds to wait for a model version")
    p.add_argument("--selftest-encode", action="store_true",
                   help="print the encoding of a fixed chunk (no Kafka, no data) and exit")
    p.add_argument("--schema", help="with --selftest-encode: also print the canonical form of this .avsc")
    args = p.parse_args(argv)
    if args.selftest_encode:
        selftest_encode(args)
        return
    if not args.key:
        p.error("--key is required: updates are signed with HMAC-SHA256 (generate one with openssl rand -hex 32)")
    for name in ("rounds", "epochs", "batch_size", "chunk_size"):
        if getattr(args, name) < 1:
            p.error("--%s must be at least 1" % name.replace("_", "-"))
    run(args)


if __name__ == "__main__":
    main()
