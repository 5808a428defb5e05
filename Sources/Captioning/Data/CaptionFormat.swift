/// The caption file formats the dataset reader understands.
///
/// The raw values are the names a user types (`--format karpathy`).
public enum CaptionFormat: String, Sendable, CaseIterable, Codable {
    /// Flickr8k's `Flickr8k.token.txt`: `name.jpg#N<TAB>caption`, one caption a line, with the
    /// split lists `Flickr_8k.{train,dev,test}Images.txt` beside it when present.
    case flickr8k
    /// A CSV file with the header `image,caption` (Kaggle's Flickr8k `captions.txt`), RFC 4180
    /// quoting; Flickr8k split lists beside it are used when present.
    case csv
    /// Karpathy's split file `dataset_*.json`: `images[]` with `filename`, optional `filepath`,
    /// `split` (train, val, test, restval) and `sentences[]` with `raw` and `tokens`.
    case karpathy
    /// COCO caption annotations `captions_*.json`: `images[]` with `id` and `file_name`,
    /// `annotations[]` with `image_id` and `caption`; the split comes from the file name.
    case coco
    /// Plain tab-separated `image<TAB>caption`, one caption a line; lines naming the same image
    /// are grouped. An optional first line `image<TAB>caption` is a header.
    case tsv

    /// Whether the format is read line by line (issues name lines) rather than parsed as JSON.
    public var isLineBased: Bool {
        switch self {
        case .flickr8k, .csv, .tsv: return true
        case .karpathy, .coco: return false
        }
    }

    /// The format names, for messages: `flickr8k, csv, karpathy, coco, tsv`.
    public static var namesForMessages: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
