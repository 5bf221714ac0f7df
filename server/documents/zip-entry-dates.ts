/** ZIP signatures and the offsets of fields in their records (PKWARE APPNOTE 6.3.10, 4.3.7, 4.3.12, 4.3.16). */
const ZIP = {
  localHeader: { signature: 0x04034b50, time: 10, date: 12 },
  centralHeader: { signature: 0x02014b50, time: 12, date: 14, nameLength: 28, extraLength: 30, commentLength: 32, localOffset: 42, size: 46 },
  end: { signature: 0x06054b50, entries: 10, centralOffset: 16, size: 22 },
} as const;

/**
 * Gives every entry of a zip file the same modification date, midnight of `isoDate`, in place. An
 * entry's date is only stored in its two headers, outside the compressed data and its checksum,
 * so nothing is compressed again. A zip file laid out otherwise than expected is refused loudly
 * rather than left with the time it was packed.
 */
export function setZipEntryDates(zip: Buffer, isoDate: string): void {
  const [year, month, day] = isoDate.slice(0, 10).split('-').map(Number) as [number, number, number];
  const dosDate = ((year - 1980) << 9) | (month << 5) | day;
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + ZIP.end.size > zip.length) throw new Error('the zip file has no end of central directory record');
  let central = zip.readUInt32LE(end + ZIP.end.centralOffset);
  for (let entry = zip.readUInt16LE(end + ZIP.end.entries); entry > 0; entry--) {
    if (zip.readUInt32LE(central) !== ZIP.centralHeader.signature) throw new Error(`the zip file has no central directory header at byte ${central}`);
    const local = zip.readUInt32LE(central + ZIP.centralHeader.localOffset);
    if (zip.readUInt32LE(local) !== ZIP.localHeader.signature) throw new Error(`the zip file has no local file header at byte ${local}`);
    for (const [at, header] of [
      [central, ZIP.centralHeader],
      [local, ZIP.localHeader],
    ] as const) {
      zip.writeUInt16LE(0, at + header.time);
      zip.writeUInt16LE(dosDate, at + header.date);
    }
    central += ZIP.centralHeader.size + zip.readUInt16LE(central + ZIP.centralHeader.nameLength) + zip.readUInt16LE(central + ZIP.centralHeader.extraLength) + zip.readUInt16LE(central + ZIP.centralHeader.commentLength);
  }
}
