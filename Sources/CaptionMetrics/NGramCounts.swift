/// The n-grams of one tokenised caption with their counts, in the order pycocoevalcap's `precook`
/// first meets them (all 1-grams left to right, then all 2-grams, ...).
///
/// For a caption w_1 ... w_L and an n-gram g of order |g| <= `maxOrder`:
///
///     count(g) = #{ i : (w_i, ..., w_{i+|g|-1}) == g },   1 <= i <= L - |g| + 1
///
/// Keeping the first-seen order (instead of a dictionary's arbitrary one) lets the scorers add
/// floating-point terms in the same order as the Python reference does.
public struct NGramCounts: Sendable, Equatable {
    /// `orders[n - 1]` lists the distinct n-grams of order n with their counts, first-seen order first.
    public private(set) var orders: [[(ngram: [String], count: Int)]]
    /// `index[n - 1][g]` is the position of `g` in `orders[n - 1]`.
    private var index: [[[String]: Int]]

    /// Counts the n-grams of orders 1...`maxOrder` of `tokens` (no n-gram when `tokens` is shorter than n).
    public init(tokens: [String], maxOrder: Int) {
        precondition(maxOrder >= 1, "maxOrder must be at least 1")
        orders = Array(repeating: [], count: maxOrder)
        index = Array(repeating: [:], count: maxOrder)
        for order in 1...maxOrder where tokens.count >= order {
            for start in 0...(tokens.count - order) {
                let ngram = Array(tokens[start..<(start + order)])
                if let position = index[order - 1][ngram] {
                    orders[order - 1][position].count += 1
                } else {
                    index[order - 1][ngram] = orders[order - 1].count
                    orders[order - 1].append((ngram, 1))
                }
            }
        }
    }

    /// The largest n-gram order counted.
    public var maxOrder: Int { orders.count }

    /// count(g): how often `ngram` occurs (0 when it does not, or when its order is not counted).
    public func count(of ngram: [String]) -> Int {
        guard ngram.count >= 1, ngram.count <= orders.count,
              let position = index[ngram.count - 1][ngram] else { return 0 }
        return orders[ngram.count - 1][position].count
    }

    /// The total count of n-grams of order `order`: max(0, L - order + 1).
    public func totalCount(order: Int) -> Int {
        orders[order - 1].reduce(0) { $0 + $1.count }
    }

    /// Same n-grams with the same counts in the same first-seen order.
    public static func == (lhs: NGramCounts, rhs: NGramCounts) -> Bool {
        guard lhs.orders.count == rhs.orders.count else { return false }
        for (left, right) in zip(lhs.orders, rhs.orders) {
            guard left.count == right.count else { return false }
            for (a, b) in zip(left, right) where a.ngram != b.ngram || a.count != b.count { return false }
        }
        return true
    }
}
