/** A file the user picked or dropped, with its path relative to the folder it goes into. */
export interface PickedFile {
  readonly file: File;
  readonly path: string;
}

/** From an `<input type="file">`: a folder input gives each file's path inside the picked folder. */
export function filesOfInput(input: HTMLInputElement): PickedFile[] {
  return [...(input.files ?? [])].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/** From a drop: files, and folders walked to the last file (paths kept). */
export async function filesOfDrop(transfer: DataTransfer): Promise<PickedFile[]> {
  // Entries must be taken before the first await: the DataTransfer is emptied after the event.
  const items = [...transfer.items].filter((item) => item.kind === 'file');
  const entries = items.map((item) => item.webkitGetAsEntry());
  const files = items.map((item) => item.getAsFile());
  const picked: PickedFile[] = [];
  for (const [index, entry] of entries.entries()) {
    const file = files[index];
    if (entry?.isDirectory) picked.push(...(await walk(entry as FileSystemDirectoryEntry, `${entry.name}/`)));
    else if (file !== null) picked.push({ file, path: file.name });
  }
  return picked;
}

async function walk(directory: FileSystemDirectoryEntry, path: string): Promise<PickedFile[]> {
  const picked: PickedFile[] = [];
  for (const entry of await readAll(directory.createReader())) {
    if (entry.isDirectory)
      picked.push(...(await walk(entry as FileSystemDirectoryEntry, `${path}${entry.name}/`)));
    else picked.push({ file: await fileOf(entry as FileSystemFileEntry), path: `${path}${entry.name}` });
  }
  return picked;
}

/** readEntries answers in batches (100 in Chromium) until an empty one. */
async function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}
