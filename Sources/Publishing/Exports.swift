// Publishing's types speak SystemSupport's (FileSystemError in their throws, CivilDate in
// partition keys, ISO8601Timestamp in index.json), so its clients get them with it.
@_exported import SystemSupport
