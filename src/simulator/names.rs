//! Word lists of the data generator: Polish people, places, products and delivery methods.

pub(crate) const FIRST_NAMES: &[&str] = &[
    "Łukasz",
    "Żaneta",
    "Grzegorz",
    "Agnieszka",
    "Małgorzata",
    "Paweł",
    "Józef",
    "Zofia",
    "Krzysztof",
    "Ewa",
    "Michał",
    "Anna",
    "Piotr",
    "Katarzyna",
    "Jędrzej",
    "Ścibor",
    "Bożena",
    "Wojciech",
    "Magdalena",
    "Jan",
    "Joanna",
    "Tomasz",
    "Dorota",
    "Bartłomiej",
    "Urszula",
    "Mikołaj",
    "Aleksandra",
    "Jarosław",
    "Halina",
    "Kamil",
    "Weronika",
    "Stanisław",
    "Iwona",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Wójcik",
    "Kamiński",
    "Lewandowski",
    "Zieliński",
    "Szymański",
    "Woźniak",
    "Dąbrowski",
    "Kozłowski",
    "Jankowski",
    "Mazur",
    "Krawczyk",
    "Świętochowski",
    "Brzęczyszczykiewicz",
    "Żółkiewski",
    "Łęcki",
    "Grabowski",
    "Pawłowski",
    "Michalski",
    "Król",
    "Wieczorek",
    "Jabłoński",
    "Wróbel",
    "Nowakowski",
    "Majewski",
    "Ślązak",
    "Olszewski",
    "Stępień",
    "Jaworski",
    "Małecki",
    "Górski",
    "Rutkowski",
    "Sikora",
    "Bąk",
];

/// (city, post-code prefix, pickup-point prefix)
pub(crate) const CITIES: &[(&str, &str, &str)] = &[
    ("Łódź", "9", "LOD"),
    ("Kraków", "3", "KRA"),
    ("Gdańsk", "8", "GDA"),
    ("Poznań", "6", "POZ"),
    ("Wrocław", "5", "WRO"),
    ("Warszawa", "0", "WAW"),
    ("Szczecin", "7", "SZC"),
    ("Bydgoszcz", "8", "BYD"),
    ("Lublin", "2", "LUB"),
    ("Białystok", "1", "BIA"),
    ("Katowice", "4", "KAT"),
    ("Częstochowa", "4", "CZE"),
    ("Zielona Góra", "6", "ZGO"),
    ("Bielsko-Biała", "4", "BBI"),
    ("Świnoujście", "7", "SWI"),
];

pub(crate) const STREETS: &[&str] = &[
    "Piotrkowska",
    "Solna",
    "Grunwaldzka",
    "Długa",
    "Świętokrzyska",
    "Marszałkowska",
    "Żeromskiego",
    "Kościuszki",
    "Mickiewicza",
    "Słowackiego",
    "Ogrodowa",
    "Źródlana",
    "Polna",
    "Łąkowa",
    "Krótka",
    "Wrzosowa",
    "Jagiellońska",
    "Ułańska",
    "Zielona",
    "Leśna",
];

pub(crate) const PICKUP_DESCRIPTIONS: &[&str] = &[
    "Stacja paliw BP",
    "Przy sklepie Żabka",
    "Parking centrum handlowego",
    "Obok apteki",
    "Przy wejściu do Biedronki",
];

pub(crate) const COMPANY_SUFFIXES: &[&str] = &["Sp. z o.o.", "S.A.", "s.c.", "Sp.j."];

pub(crate) const PRODUCTS: &[(&str, u32)] = &[
    ("Kubek ceramiczny 330 ml biały", 2999),
    ("Ładowarka USB-C 65 W GaN", 8900),
    ("Słuchawki bezprzewodowe douszne", 14999),
    ("Żelazko parowe 2400 W", 18900),
    ("Koszulka bawełniana męska", 3999),
    ("Śrubokręt akumulatorowy 3,6 V", 12900),
    ("Książka \"Pan Tadeusz\" twarda oprawa", 3450),
    ("Pościel satynowa 160x200 szara", 12999),
    ("Zestaw łyżek drewnianych 5 szt.", 2490),
    ("Etui silikonowe do telefonu", 1999),
    ("Kawa ziarnista 1 kg", 6999),
    ("Klocki konstrukcyjne 500 el.", 9999),
    ("Żarówka LED E27 10 W ciepła", 1290),
    ("Plecak szkolny ergonomiczny", 15900),
    ("Herbata liściasta zielona 250 g", 2750),
    ("Mysz bezprzewodowa cicha", 5999),
    ("Rękawice robocze nitrylowe 10 par", 3299),
    ("Odkurzacz pionowy bezprzewodowy", 59900),
    ("Świeca sojowa zapachowa", 3900),
    ("Łopata składana turystyczna", 4590),
];

pub(crate) const VARIANTS: &[&str] = &["", " czarny", " XL", " zestaw 2 szt.", " 2024", " premium"];

pub(crate) const MESSAGES: &[&str] = &[
    "Proszę o staranne zapakowanie",
    "Proszę o fakturę na firmę",
    "Czy mogę prosić o wysyłkę jutro?",
    "Prezent – proszę bez paragonu w paczce",
    "Dzień dobry, proszę o kontakt telefoniczny przed wysyłką.",
];

pub(crate) const NOTES: &[&str] = &[
    "Wysłano 15.07",
    "Klient stały",
    "Zwrot – sprawdzić",
    "Pilne",
];

/// (id, name, base cost in grosze, has pickup point)
pub(crate) const DELIVERY_METHODS: &[(&str, &str, i64, bool)] = &[
    (
        "b20ef9e1-faa2-4f25-9455-f2d8a1b4b1b5",
        "Allegro Paczkomaty InPost",
        1299,
        true,
    ),
    (
        "1fa56f79-4b6a-4821-a6f2-ca9c16d5c925",
        "Allegro Kurier DPD",
        1599,
        false,
    ),
    (
        "9081532b-5ad3-467d-80bc-9252982e9dd8",
        "Allegro One Box, One Kurier",
        899,
        true,
    ),
    (
        "758fcd59-fbfa-4453-ae07-4800d72c2ca5",
        "Allegro Kurier24 InPost",
        1499,
        false,
    ),
    (
        "845efe05-0c96-47ee-a7fa-8a7db2a8ee3f",
        "Allegro Pocztex Kurier 48",
        1199,
        false,
    ),
    (
        "2488f7b7-5d1c-4d65-b85c-4cbcf253fd93",
        "Allegro Odbiór w Punkcie Poczta Polska",
        999,
        true,
    ),
    (
        "5d9b9e3e-bc4f-4c60-8c48-2f2f3e3b8a7e",
        "Odbiór osobisty",
        0,
        false,
    ),
];

/// Folds Polish diacritics to ASCII for logins and e-mail aliases.
pub(crate) fn ascii_fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let folded = match c {
                'ą' => 'a',
                'ć' => 'c',
                'ę' => 'e',
                'ł' => 'l',
                'ń' => 'n',
                'ó' => 'o',
                'ś' => 's',
                'ź' | 'ż' => 'z',
                'Ą' => 'A',
                'Ć' => 'C',
                'Ę' => 'E',
                'Ł' => 'L',
                'Ń' => 'N',
                'Ó' => 'O',
                'Ś' => 'S',
                'Ź' | 'Ż' => 'Z',
                c if c.is_ascii_alphanumeric() => c,
                _ => return None,
            };
            Some(folded)
        })
        .collect()
}
