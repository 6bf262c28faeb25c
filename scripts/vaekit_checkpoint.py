"""Read and write vaekit checkpoints from Python, with the standard library only.

The format (src/io/checkpoint.ts, version 2): the 8 bytes "VAEKIT\\0\\x02", a uint32 LE header length H, a
uint32 LE CRC-32 of the whole file with these four bytes read as zero, the UTF-8 JSON header
{meta, tensors: [{name, length, offset}], dataBytes}, zero padding to a multiple of 4, then the float32 LE
values of every tensor back to back. Version 1 files (no checksum field) are read too.

    from vaekit_checkpoint import read, write
    meta, tensors = read("runs/z2/best.ckpt")        # tensors: {name: array('f')}, in file order
    # e.g. torch.tensor(tensors["param/encoder.0.w"]).view(784, 400).t() for nn.Linear(784, 400).weight
    write("runs/z2-imported/best.ckpt", meta, tensors)

`python3 scripts/vaekit_checkpoint.py FILE` prints the model config and every tensor's name and length.
"""
import array
import json
import os
import struct
import sys
import zlib

MAGIC = b"VAEKIT\x00"
VERSION = 2


def _crc(data):
    return zlib.crc32(data[:12] + b"\x00\x00\x00\x00" + data[16:]) & 0xFFFFFFFF


def read(path):
    """(meta, {name: array('f')}) of a checkpoint; raises ValueError naming the file if it is not whole."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:7] != MAGIC or len(data) < 12 or data[7] not in (1, VERSION):
        raise ValueError(f"{path}: not a vaekit checkpoint of version 1 or {VERSION}")
    version = data[7]
    prefix = 12 if version == 1 else 16
    (header_length,) = struct.unpack_from("<I", data, 8)
    if version == VERSION and _crc(data) != struct.unpack_from("<I", data, 12)[0]:
        raise ValueError(f"{path}: checksum mismatch: the file is damaged")
    header = json.loads(data[prefix:prefix + header_length].decode("utf-8"))
    start = (prefix + header_length + 3) & ~3
    if len(data) != start + header["dataBytes"]:
        raise ValueError(f"{path}: truncated or padded: expected {start + header['dataBytes']} bytes, found {len(data)}")
    tensors = {}
    for t in header["tensors"]:
        values = array.array("f")
        values.frombytes(data[start + t["offset"]:start + t["offset"] + 4 * t["length"]])
        if sys.byteorder == "big":
            values.byteswap()
        tensors[t["name"]] = values
    return header["meta"], tensors


def write(path, meta, tensors):
    """Writes a version 2 checkpoint of `meta` and `tensors` ({name: sequence of floats}), in their order: to a
    temporary file renamed over `path`, so a reader never sees half a file."""
    entries, blobs, offset = [], [], 0
    for name, values in tensors.items():
        values = array.array("f", values)
        if sys.byteorder == "big":
            values.byteswap()
        entries.append({"name": name, "length": len(values), "offset": offset})
        blobs.append(values.tobytes())
        offset += 4 * len(values)
    header = json.dumps({"meta": meta, "tensors": entries, "dataBytes": offset}, separators=(",", ":")).encode("utf-8")
    start = (16 + len(header) + 3) & ~3
    out = bytearray(MAGIC + bytes([VERSION]) + struct.pack("<II", len(header), 0) + header)
    out += b"\x00" * (start - len(out)) + b"".join(blobs)
    struct.pack_into("<I", out, 12, _crc(bytes(out)))
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(out)
    os.replace(tmp, path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: python3 {sys.argv[0]} CHECKPOINT")
    meta, tensors = read(sys.argv[1])
    print(json.dumps(meta.get("config", {}).get("model", {})))
    for name, values in tensors.items():
        print(f"{name}\t{len(values)}")
