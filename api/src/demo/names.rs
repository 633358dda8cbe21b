//! Deterministic Dutch-looking names for demo data.

pub const FIRST_NAMES: &[&str] = &[
    "Emma", "Noah", "Julia", "Liam", "Mila", "Luuk", "Tess", "Sem", "Sophie", "Lucas", "Zoë",
    "Finn", "Sara", "Daan", "Nora", "Levi", "Eva", "Milan", "Anna", "Bram", "Lotte", "Jesse",
    "Fleur", "Thijs", "Lieke", "Ruben", "Isa", "Mees", "Roos", "Sven", "Fenna", "Hugo", "Yara",
    "Jens", "Noor", "Teun", "Amira", "Mohamed", "Fatima", "Yusuf", "Ayla", "Omar", "Lina", "Adam",
];

pub const ADULT_FIRST_NAMES: &[&str] = &[
    "Marieke", "Jeroen", "Sanne", "Bas", "Linda", "Mark", "Esther", "Rob", "Anouk", "Dennis",
    "Femke", "Joost", "Ilse", "Martijn", "Karin", "Erik", "Nadia", "Hassan", "Yasmina", "Ahmed",
    "Petra", "Wouter", "Judith", "Niels",
];

/// (prefix, last name)
pub const LAST_NAMES: &[(Option<&str>, &str)] = &[
    (None, "Jansen"),
    (Some("de"), "Vries"),
    (Some("van den"), "Berg"),
    (Some("van"), "Dijk"),
    (None, "Bakker"),
    (None, "Visser"),
    (None, "Smit"),
    (None, "Meijer"),
    (Some("de"), "Boer"),
    (None, "Mulder"),
    (Some("de"), "Groot"),
    (None, "Bos"),
    (None, "Vos"),
    (None, "Peters"),
    (None, "Hendriks"),
    (Some("van"), "Leeuwen"),
    (None, "Dekker"),
    (None, "Brouwer"),
    (Some("de"), "Wit"),
    (None, "Dijkstra"),
    (None, "Smits"),
    (Some("de"), "Graaf"),
    (Some("van der"), "Meer"),
    (Some("van der"), "Linden"),
    (None, "Kok"),
    (None, "Jacobs"),
    (Some("de"), "Haan"),
    (None, "Vermeulen"),
    (Some("van den"), "Heuvel"),
    (Some("van der"), "Veen"),
    (None, "El Amrani"),
    (None, "Yilmaz"),
    (None, "Öztürk"),
    (None, "Bouali"),
];

/// A small, seedable generator (PCG-style LCG): the same seed gives the same data set.
pub struct Dice(u64);

impl Dice {
    pub fn new(seed: u64) -> Dice {
        Dice(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap_or(0) % n.max(1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// `Marieke de Vries` → `marieke.devries`
pub fn mail_local(first: &str, prefix: Option<&str>, last: &str) -> String {
    let mut local = format!("{first}.{}{last}", prefix.unwrap_or(""));
    local.retain(|c| c.is_alphanumeric() || c == '.');
    local
        .to_lowercase()
        .replace(['ë', 'é'], "e")
        .replace('ö', "o")
        .replace('ü', "u")
}
