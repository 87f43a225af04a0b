/** Fixed vocabulary of the demo catalog (the PRNG only chooses among these). */

export const DEMO_PASSWORD = "agora-demo";

export const CATEGORIES: readonly {
  slug: string;
  name: string;
  nouns: readonly string[];
  hue: number;
}[] = [
  {
    slug: "outdoor",
    name: "Outdoor & Camping",
    nouns: ["Tent", "Sleeping Bag", "Lantern", "Backpack", "Camp Stove"],
    hue: 120,
  },
  {
    slug: "kitchen",
    name: "Kitchen",
    nouns: ["Skillet", "Chef Knife", "Kettle", "Cutting Board", "Dutch Oven"],
    hue: 20,
  },
  {
    slug: "garden",
    name: "Garden",
    nouns: ["Trowel", "Planter", "Watering Can", "Pruner", "Seed Kit"],
    hue: 95,
  },
  {
    slug: "tools",
    name: "Tools & Hardware",
    nouns: ["Hammer", "Drill", "Wrench Set", "Level", "Tape Measure"],
    hue: 45,
  },
  {
    slug: "books",
    name: "Books",
    nouns: ["Novel", "Cookbook", "Field Guide", "Atlas", "Notebook"],
    hue: 260,
  },
  {
    slug: "toys",
    name: "Toys & Games",
    nouns: ["Puzzle", "Kite", "Board Game", "Building Set", "Plush Fox"],
    hue: 300,
  },
  {
    slug: "apparel",
    name: "Apparel",
    nouns: ["Rain Jacket", "Wool Sweater", "Beanie", "Scarf", "Hiking Socks"],
    hue: 200,
  },
  {
    slug: "footwear",
    name: "Footwear",
    nouns: ["Trail Shoe", "Boot", "Sandal", "Slipper", "Sneaker"],
    hue: 30,
  },
  {
    slug: "electronics",
    name: "Electronics",
    nouns: ["Headphones", "Speaker", "Charger", "Desk Lamp", "Radio"],
    hue: 220,
  },
  {
    slug: "home",
    name: "Home & Living",
    nouns: ["Throw Blanket", "Vase", "Candle", "Cushion", "Wall Clock"],
    hue: 340,
  },
  {
    slug: "beauty",
    name: "Beauty & Care",
    nouns: ["Soap Bar", "Face Oil", "Hand Cream", "Comb", "Bath Salt"],
    hue: 320,
  },
  {
    slug: "sports",
    name: "Sports & Fitness",
    nouns: ["Yoga Mat", "Water Bottle", "Jump Rope", "Kettlebell", "Bike Light"],
    hue: 170,
  },
];

export const ADJECTIVES: readonly string[] = [
  "Classic",
  "Compact",
  "Rugged",
  "Everyday",
  "Deluxe",
  "Handmade",
  "Lightweight",
  "Vintage",
  "Modern",
  "Eco",
  "Premium",
  "Pocket",
  "Heritage",
  "Nordic",
  "Urban",
  "Alpine",
  "Coastal",
  "Studio",
  "Travel",
  "Family",
];
export const MATERIALS: readonly string[] = [
  "oak",
  "steel",
  "linen",
  "wool",
  "recycled plastic",
  "ceramic",
  "bamboo",
  "cotton",
  "leather",
  "cork",
];
export const COLORS: readonly string[] = [
  "forest green",
  "slate",
  "sand",
  "ochre",
  "navy",
  "crimson",
  "charcoal",
  "sky blue",
  "ivory",
  "plum",
];

export const VENDORS: readonly { slug: string; name: string }[] = [
  { slug: "northwind-outfitters", name: "Northwind Outfitters" },
  { slug: "copper-kettle", name: "Copper Kettle Kitchenware" },
  { slug: "blue-fern", name: "Blue Fern Botanics" },
  { slug: "acme-hardware", name: "Acme Hardware" },
];

export const CITIES: readonly string[] = [
  "Lyon",
  "Leipzig",
  "Porto",
  "Utrecht",
  "Brno",
  "Turin",
  "Ghent",
  "Malmö",
];
