DROP TABLE mandates;
DROP TABLE mechanisms;
