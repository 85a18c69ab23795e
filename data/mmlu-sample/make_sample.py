"""Writes the small MMLU-format sample (official hendrycks layout: dev/ and test/, no header) Hyperfit's tests and
README example use. The questions are written for this project (not taken from MMLU). Run: python3 make_sample.py"""
import csv
import os

SUBJECTS = {
    "elementary_mathematics": {
        "dev": [
            ("What is 7 + 5?", "10", "11", "12", "13", "C"),
            ("How many sides does a triangle have?", "3", "4", "5", "6", "A"),
            ("What is 9 × 3?", "18", "21", "24", "27", "D"),
            ("Which number is even?", "7", "9", "14", "15", "C"),
            ("What is half of 20?", "5", "10", "15", "40", "B"),
        ],
        "test": [
            ("What is 6 + 8?", "12", "13", "14", "15", "C"),
            ("What is 15 − 7?", "6", "7", "8", "9", "C"),
            ("How many minutes are in one hour?", "30", "60", "90", "100", "B"),
            ("What is 4 × 4?", "8", "12", "16", "20", "C"),
            ("Which of these numbers is the largest?", "0.5", "0.05", "5", "0.55", "C"),
            ("How many days are in a week?", "5", "6", "7", "8", "C"),
            ("What is 100 divided by 4?", "20", "25", "30", "40", "B"),
            ("Which shape has four equal sides and four right angles?", "a circle", "a triangle", "a square", "a pentagon", "C"),
            ("What is 3 squared?", "6", "8", "9", "12", "C"),
            ("How many centimetres are in one metre?", "10", "100", "1000", "10000", "B"),
            ("Which number is odd?", "2", "4", "6", "9", "D"),
            ("What is 12 + 30?", "32", "40", "42", "52", "C"),
            ("What is one quarter of 16?", "2", "4", "6", "8", "B"),
            ("How many sides does a hexagon have?", "5", "6", "7", "8", "B"),
            ("What is 50 − 25?", "15", "20", "25", "30", "C"),
            ("What is 2 × 2 × 2?", "4", "6", "8", "10", "C"),
            ("Which fraction equals one half?", "1/3", "2/4", "3/4", "2/3", "B"),
            ("What is 9 + 9?", "16", "17", "18", "19", "C"),
            ("How many months are in a year?", "10", "11", "12", "13", "C"),
            ("What is 81 divided by 9?", "7", "8", "9", "10", "C"),
        ],
    },
    "high_school_geography": {
        "dev": [
            ("Which is the largest ocean on Earth?", "the Atlantic", "the Indian", "the Arctic", "the Pacific", "D"),
            ("On which continent is Egypt?", "Asia", "Africa", "Europe", "South America", "B"),
            ("What is the capital of France?", "Paris", "Rome", "Madrid", "Berlin", "A"),
            ("Which river flows through London?", "the Seine", "the Thames", "the Danube", "the Rhine", "B"),
            ("Which country has the largest area?", "China", "Canada", "Russia", "Brazil", "C"),
        ],
        "test": [
            ("What is the capital of Italy?", "Milan", "Naples", "Rome", "Venice", "C"),
            ("On which continent is Brazil?", "Africa", "South America", "Europe", "Asia", "B"),
            ("Which is the longest river in Africa?", "the Congo", "the Niger", "the Nile", "the Zambezi", "C"),
            ("Which mountain range separates Europe from Asia in Russia?", "the Alps", "the Andes", "the Urals", "the Rockies", "C"),
            ("What is the capital of Japan?", "Osaka", "Kyoto", "Tokyo", "Nagoya", "C"),
            ("Which desert is the largest hot desert?", "the Gobi", "the Sahara", "the Kalahari", "the Mojave", "B"),
            ("Which ocean lies between Europe and North America?", "the Pacific", "the Indian", "the Atlantic", "the Southern", "C"),
            ("What is the capital of Spain?", "Barcelona", "Seville", "Madrid", "Valencia", "C"),
            ("Which country is an island in the Indian Ocean?", "Madagascar", "Chile", "Poland", "Mongolia", "A"),
            ("Which line divides the Earth into northern and southern halves?", "the prime meridian", "the equator", "the Tropic of Cancer", "the Arctic Circle", "B"),
            ("Which is the highest mountain on Earth?", "K2", "Mont Blanc", "Mount Everest", "Kilimanjaro", "C"),
            ("What is the capital of Canada?", "Toronto", "Ottawa", "Vancouver", "Montreal", "B"),
            ("Which sea lies between Europe and Africa?", "the Baltic", "the North Sea", "the Mediterranean", "the Caspian", "C"),
            ("In which country is the city of Chicago?", "Canada", "the United States", "Mexico", "Cuba", "B"),
            ("Which continent is the coldest?", "Antarctica", "Europe", "Asia", "Australia", "A"),
            ("What is the capital of Germany?", "Munich", "Hamburg", "Berlin", "Frankfurt", "C"),
            ("Which river flows through Egypt?", "the Amazon", "the Nile", "the Volga", "the Mississippi", "B"),
            ("Which state of the United States is made of islands in the Pacific?", "Alaska", "Hawaii", "Florida", "Maine", "B"),
            ("Which country is both in Europe and Asia?", "Portugal", "Turkey", "Ireland", "Norway", "B"),
            ("What is the capital of England?", "Manchester", "London", "Liverpool", "Leeds", "B"),
        ],
    },
    "miscellaneous": {
        "dev": [
            ("What colour is the sky on a clear day?", "green", "blue", "red", "brown", "B"),
            ("How many legs does a spider have?", "4", "6", "8", "10", "C"),
            ("Which animal is known for its long neck?", "the giraffe", "the horse", "the dog", "the cat", "A"),
            ("What do bees make?", "milk", "silk", "honey", "wool", "C"),
            ("Which season comes after winter?", "summer", "autumn", "spring", "winter", "C"),
        ],
        "test": [
            ("What is frozen water called?", "steam", "ice", "fog", "dew", "B"),
            ("Which instrument has black and white keys?", "the violin", "the drum", "the piano", "the flute", "C"),
            ("How many hours are in a day?", "12", "20", "24", "48", "C"),
            ("Which planet do we live on?", "Mars", "Venus", "Earth", "Jupiter", "C"),
            ("What do cows drink?", "milk", "water", "oil", "juice", "B"),
            ("Which bird is a symbol of peace?", "the crow", "the dove", "the eagle", "the owl", "B"),
            ("What is the opposite of hot?", "warm", "cold", "wet", "dry", "B"),
            ("Which metal is yellow and precious?", "iron", "lead", "gold", "tin", "C"),
            ("Where does a fish live?", "in a tree", "in water", "in the desert", "underground", "B"),
            ("What does a thermometer measure?", "weight", "time", "temperature", "distance", "C"),
            ("Which meal is eaten in the morning?", "breakfast", "lunch", "dinner", "supper", "A"),
            ("What colour are ripe bananas?", "blue", "yellow", "purple", "black", "B"),
            ("Which animal barks?", "the cat", "the dog", "the cow", "the sheep", "B"),
            ("What falls from clouds when it rains?", "sand", "water", "snowballs", "leaves", "B"),
            ("Which tool is used to cut paper?", "a hammer", "scissors", "a spoon", "a brush", "B"),
            ("What do you call a baby cat?", "a puppy", "a kitten", "a calf", "a foal", "B"),
            ("Which body part do you use to smell?", "the ear", "the nose", "the knee", "the elbow", "B"),
            ("How many wheels does a bicycle have?", "1", "2", "3", "4", "B"),
            ("What is the main colour of grass?", "green", "red", "white", "orange", "A"),
            ("Which of these is a fruit?", "a carrot", "an apple", "a potato", "an onion", "B"),
        ],
    },
}


def balanced(rows):
    """Moves the correct answer of row i to letter "ABCD"[i % 4] (a swap), so every letter is right equally often and
    always answering one letter scores exactly chance (25 %)."""
    out = []
    for i, (question, *choices, answer) in enumerate(rows):
        correct, target = "ABCD".index(answer), i % 4
        choices[correct], choices[target] = choices[target], choices[correct]
        out.append((question, *choices, "ABCD"[target]))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for split in ("dev", "test"):
        os.makedirs(os.path.join(here, split), exist_ok=True)
        for subject, splits in SUBJECTS.items():
            with open(os.path.join(here, split, f"{subject}_{split}.csv"), "w", newline="", encoding="utf-8") as f:
                csv.writer(f, lineterminator="\n").writerows(balanced(splits[split]) if split == "test" else splits[split])


if __name__ == "__main__":
    main()
