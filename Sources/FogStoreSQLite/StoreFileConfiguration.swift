import GRDB

extension Configuration {
    /// The connections' configuration of one of the store's files: labelled `label`, waiting up to
    /// 10 s for another connection's lock, and creating a new file with pages of `pageSize` bytes
    /// (an existing file keeps its page size).
    static func storeFile(label: String, pageSize: Int) -> Configuration {
        var configuration = Configuration()
        configuration.label = label
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA page_size = \(pageSize)") }
        }
        return configuration
    }
}
