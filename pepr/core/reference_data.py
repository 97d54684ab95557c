"""The programme's reference data, as published (see ../shared/DOMAIN.md and the French source).

Only public facts are here. Names, dates and budgets that staff supply go through the admin or an
import, never into this file.
"""

PROGRAMME = {
    "code": "bbti",
    "acronym": "PEPR BBTI",
    "name_fr": "Programme et Équipements Prioritaires de Recherche « Biothérapies et Bioproduction "
               "de Thérapies Innovantes »",
    "name_en": "Priority Research Programme and Equipment “Biotherapies and Bioproduction of "
               "Innovative Therapies”",
    "summary_fr": "Volet recherche de la stratégie nationale d'accélération « Biothérapies et "
                  "bioproduction de thérapies innovantes » (France 2030). Co-piloté par l'Inserm et "
                  "le CEA, opéré avec l'ANR, doté de 80 M€ sur 7 ans (2023-2030), il fédère la "
                  "communauté nationale de recherche publique avec les acteurs industriels et "
                  "hospitaliers.",
    "summary_en": "Research arm of the French national acceleration strategy on biotherapies and "
                  "bioproduction of innovative therapies (France 2030). Co-piloted by Inserm and "
                  "CEA, operated with ANR, with 80 M€ over 7 years (2023–2030), it brings together "
                  "public research with industry and hospitals.",
    "budget_eur": 80_000_000,
    "priority_projects_share": "61.00",
    "governance_budget_eur": 4_000_000,
    "start_year": 2023,
    "end_year": 2030,
    "operator": "ANR",
    "pilots": "Inserm, CEA",
}

AXES = [
    {
        "number": 1,
        "title_fr": "Accompagner le développement des thérapies cellulaires et l'émergence des "
                    "thérapies tissulaires",
        "title_en": "Supporting the development of cell therapies and the emergence of tissue "
                    "therapies",
        "description_fr": "Identifier de nouvelles sources de cellules pour des thérapies "
                          "cellulaires innovantes ; améliorer la production automatisée tout en "
                          "diminuant le coût des bioprocédés.",
        "description_en": "New cell sources for innovative cell therapies; automated production at "
                          "a lower bioprocess cost.",
    },
    {
        "number": 2,
        "title_fr": "Faciliter le déploiement des thérapies géniques",
        "title_en": "Facilitating the deployment of gene therapies",
        "description_fr": "Stratégies de thérapie génique fondées sur un adressage cellulaire "
                          "spécifique et l'édition de gènes ; production de vecteurs et méthodes "
                          "non disruptives de contrôle qualité.",
        "description_en": "Gene therapy based on cell-specific targeting and gene editing; vector "
                          "production and non-disruptive quality control.",
    },
    {
        "number": 3,
        "title_fr": "Développer l'ingénierie pour les biothérapies et les bioprocédés",
        "title_en": "Developing engineering for biotherapies and bioprocesses",
        "description_fr": "Biothérapies fondées sur l'ingénierie des cellules B, développabilité "
                          "de nouveaux formats d'anticorps, édition de gènes et livraison d'ARNm "
                          "de protéines thérapeutiques et d'antigènes vaccinaux (oncologie).",
        "description_en": "Engineered B cells, developability of new antibody formats, gene "
                          "editing and mRNA delivery of therapeutic proteins and vaccine antigens "
                          "(oncology).",
    },
    {
        "number": 4,
        "title_fr": "Soutenir le secteur émergent des vésicules extracellulaires thérapeutiques et "
                    "leur industrialisation",
        "title_en": "Supporting the emerging sector of therapeutic extracellular vesicles and "
                    "their industrialisation",
        "description_fr": "Production à haut rendement et à moindre coût de vésicules "
                          "extracellulaires, vésicules hybrides pour la délivrance d'ARN "
                          "thérapeutiques, vésicules issues de bactéries Gram+.",
        "description_en": "High-yield, low-cost production of extracellular vesicles, hybrid "
                          "vesicles delivering therapeutic RNA, vesicles from Gram+ bacteria.",
    },
]

PRIORITY_PROJECTS_PER_AXIS = 3

COMMITTEES = [
    {
        "code": "directeur",
        "name_fr": "Comité Directeur",
        "name_en": "Steering Board (Comité Directeur)",
        "mission_fr": "Le PDG de l'Inserm et l'Administrateur général du CEA. A défini le "
                      "programme ; valide les changements et arbitre l'affectation finale des "
                      "ressources.",
        "mission_en": "The CEO of Inserm and the Administrator General of CEA. Defined the "
                      "programme; validates changes and makes the final resource allocation.",
    },
    {
        "code": "pilotage",
        "name_fr": "Comité de Pilotage",
        "name_en": "Management Committee (Comité de Pilotage)",
        "mission_fr": "Les co-pilotes Inserm et CEA et les chargés de mission. Suit les projets et "
                      "met en œuvre les actions futures du PEPR.",
        "mission_en": "The Inserm and CEA co-pilots and chargés de mission. Follows the projects "
                      "and implements the programme's future actions.",
    },
    {
        "code": "csi",
        "name_fr": "Comité Stratégique Institutionnel",
        "name_en": "Institutional Strategic Committee (CSI)",
        "mission_fr": "Les co-pilotes, des représentants des universités, hôpitaux universitaires "
                      "et organismes de recherche, et les principaux acteurs de la stratégie "
                      "nationale. Suit les projets et les actions ; éclaire les décisions ; donne "
                      "son avis sur les sélections de l'AAP.",
        "mission_en": "The co-pilots, universities, university hospitals, research organisations "
                      "and main actors of the national strategy. Follows projects and actions; "
                      "advises on decisions; gives opinions on AAP selections.",
    },
    {
        "code": "ccs",
        "name_fr": "Conseil Consultatif Scientifique",
        "name_en": "Scientific Advisory Board (CCS)",
        "mission_fr": "Des personnalités scientifiques et des industriels reconnus. Sélectionne "
                      "les lettres d'intention de l'AMI avec les pilotes ; donne son avis sur les "
                      "sélections de l'AAP.",
        "mission_en": "Renowned scientists and industry experts. Selects the AMI letters of intent "
                      "with the pilots; gives opinions on AAP selections.",
    },
]

WORK_PACKAGES = [
    {"number": 1, "title_fr": "Gestion et coordination", "title_en": "Management and coordination"},
    {"number": 2, "title_fr": "Gestion des connaissances et transferts technologiques",
     "title_en": "Knowledge management and technology transfer"},
    {"number": 3, "title_fr": "Enseignement et formation", "title_en": "Education and training"},
    {"number": 4, "title_fr": "Europe et international", "title_en": "Europe and international"},
    {"number": 5, "title_fr": "Communication", "title_en": "Communication"},
]

ORGANISATIONS = [
    {"name": "Institut national de la santé et de la recherche médicale", "acronym": "Inserm",
     "kind": "research", "city": "Paris"},
    {"name": "Commissariat à l'énergie atomique et aux énergies alternatives", "acronym": "CEA",
     "kind": "research", "city": "Paris"},
    {"name": "Agence nationale de la recherche", "acronym": "ANR", "kind": "agency",
     "city": "Paris"},
]
