extension DeliveryAudit {
    /// Where the input producer's delivery report says a record was stored.
    public struct Acknowledged: Sendable, Hashable {
        public var partition: Int32
        /// -1 when the report carried no offset.
        public var offset: Int64
        public init(partition: Int32, offset: Int64) {
            self.partition = partition
            self.offset = offset
        }
    }

    /// Acknowledged inputs absent from the input topic as read: the audit can only vouch for
    /// inputs it saw, so a record the broker acknowledged and then lost (or a read that stopped
    /// short) would otherwise pass unnoticed. A report without an offset cannot be located and
    /// is listed too.
    static func missingInputs(acknowledged: [Acknowledged], inputs: [Input]) -> [String] {
        let present = Set(inputs.map { Acknowledged(partition: $0.partition, offset: $0.offset) })
        return acknowledged.filter { $0.offset < 0 || !present.contains($0) }
            .sorted { ($0.partition, $0.offset) < ($1.partition, $1.offset) }
            .map { $0.offset < 0 ? "partition \($0.partition): acknowledged without an offset" : "\($0.partition)/\($0.offset)" }
    }
}
